// Chai-style BDD assertions for rqrun's JavaScript scripts: defines __rqExpect(value, message).
// Written for rqrun (not Chai's code): the chain words, flags and terminals that Postman and
// Requestly collections use, with Chai 4's failure messages ("expected 200 to equal 201") so a
// report reads the same as Newman's. Loaded first in every fresh context; rq_runtime.js uses it
// for rq.expect, pm_runtime.js for pm.expect and pm.response.to. Internal functions are named
// __chai* so the worker skips their frames when it reports the line of an error.
(function __chaiModule(global) {
  'use strict';
  var define = Object.defineProperty;
  var hasOwn = function __chaiHasOwn(o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
  var TRUNCATE = 40;

  // -- inspect: how values are spelled in messages (Chai's style: 'text', [ 1, 2 ], { a: 1 }) ----
  function __chaiType(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'array';
    var t = typeof value;
    if (t !== 'object') return t;
    if (value instanceof RegExp) return 'regexp';
    if (value instanceof Date) return 'date';
    if (value instanceof Error) return 'error';
    if (typeof Map !== 'undefined' && value instanceof Map) return 'map';
    if (typeof Set !== 'undefined' && value instanceof Set) return 'set';
    if (typeof Promise !== 'undefined' && value instanceof Promise) return 'promise';
    return 'object';
  }

  function __chaiInspect(value, depth) {
    depth = depth || 0;
    var type = __chaiType(value);
    switch (type) {
      case 'string': return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
      case 'number': return value === 0 && 1 / value < 0 ? '-0' : String(value);
      case 'undefined': case 'boolean': case 'null': case 'bigint': return String(value);
      case 'symbol': return value.toString();
      case 'function': return '[Function' + (value.name ? ' ' + value.name : '') + ']';
      case 'regexp': return String(value);
      case 'date': return isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      case 'error': return '[' + (value.name || 'Error') + (value.message ? ': ' + value.message : '') + ']';
      case 'promise': return 'Promise{…}';
      case 'map': case 'set': return type === 'map' ? 'Map{…}' : 'Set{…}';
      case 'array':
        if (!value.length) return '[]';
        if (depth > 2) return '[Array]';
        return '[ ' + value.map(function __chaiItem(v) { return __chaiInspect(v, depth + 1); }).join(', ') + ' ]';
      default: {
        var keys = Object.keys(value);
        if (!keys.length) return '{}';
        if (depth > 2) return '[Object]';
        return '{ ' + keys.map(function __chaiPair(k) {
          var name = /^[A-Za-z_$][\w$]*$/.test(k) ? k : "'" + k + "'";
          return name + ': ' + __chaiInspect(value[k], depth + 1);
        }).join(', ') + ' }';
      }
    }
  }

  // Chai shortens long values in messages: [ Array(12) ], { Object (a, b, ...) }.
  function __chaiDisplay(value) {
    var text = __chaiInspect(value);
    var type = __chaiType(value);
    if (text.length < TRUNCATE) return text;
    if (type === 'array') return '[ Array(' + value.length + ') ]';
    if (type === 'object') {
      var keys = Object.keys(value);
      return '{ Object (' + (keys.length > 2 ? keys.slice(0, 2).join(', ') + ', ...' : keys.join(', ')) + ') }';
    }
    if (type === 'function') return value.name ? '[Function: ' + value.name + ']' : '[Function]';
    return text;
  }

  // -- deep equality (Chai's deep-eql for the values JSON and scripts produce) ------------------
  function __chaiDeepEqual(a, b, seen) {
    if (a === b) return a !== 0 || 1 / a === 1 / b;
    if (a !== a && b !== b) return true; // NaN
    var ta = __chaiType(a), tb = __chaiType(b);
    if (ta !== tb) return false;
    if (ta === 'date') return a.getTime() === b.getTime();
    if (ta === 'regexp') return String(a) === String(b);
    if (ta !== 'array' && ta !== 'object' && ta !== 'error') return false;
    seen = seen || [];
    for (var i = 0; i < seen.length; i++) if (seen[i][0] === a && seen[i][1] === b) return true;
    seen.push([a, b]);
    if (ta === 'array') {
      if (a.length !== b.length) return false;
      for (var j = 0; j < a.length; j++) if (!__chaiDeepEqual(a[j], b[j], seen)) return false;
      return true;
    }
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    var ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.length !== kb.length) return false;
    for (var k = 0; k < ka.length; k++) {
      if (ka[k] !== kb[k] || !__chaiDeepEqual(a[ka[k]], b[ka[k]], seen)) return false;
    }
    return true;
  }

  // -- nested paths: 'a.b[0].c' --------------------------------------------------------------
  function __chaiParsePath(path) {
    var parts = [];
    String(path).replace(/\[(\d+)\]|([^.[\]]+)/g, function __chaiPart(_, index, name) {
      parts.push(index !== undefined ? Number(index) : name.replace(/\\([.[\]])/g, '$1'));
      return '';
    });
    return parts;
  }
  function __chaiPathInfo(obj, path) {
    var parts = __chaiParsePath(path), cur = obj, parent = null;
    for (var i = 0; i < parts.length; i++) {
      if (cur === null || cur === undefined) return { exists: false, value: undefined };
      parent = cur;
      if (i === parts.length - 1) {
        return { exists: parts[i] in Object(parent), value: parent[parts[i]] };
      }
      cur = cur[parts[i]];
    }
    return { exists: parts.length === 0, value: obj };
  }

  function AssertionError(message, expected, actual, showDiff) {
    this.message = message;
    if (arguments.length > 1) { this.expected = expected; this.actual = actual; }
    this.showDiff = !!showDiff;
    var stack = new Error(message).stack;
    define(this, 'stack', { value: 'AssertionError: ' + message + '\n' + String(stack || '').split('\n').slice(1).join('\n'), writable: true });
  }
  AssertionError.prototype = Object.create(Error.prototype);
  AssertionError.prototype.name = 'AssertionError';
  AssertionError.prototype.constructor = AssertionError;
  AssertionError.prototype.toString = function __chaiErrText() { return 'AssertionError: ' + this.message; };

  // -- the assertion object ------------------------------------------------------------------
  function Assertion(value, message) {
    define(this, '__flags', { value: { object: value, message: message }, writable: true });
  }
  var proto = Assertion.prototype;

  function __chaiFlag(a, name, value) {
    if (arguments.length > 2) { a.__flags[name] = value; return a; }
    return a.__flags[name];
  }

  // Replace #{this}, #{exp}, #{act} as Chai does, then pass or throw.
  proto.assert = function __chaiAssert(ok, message, negMessage, expected, actual, showDiff) {
    var negate = !!this.__flags.negate;
    if (negate ? !ok : ok) return this;
    var obj = this.__flags.object;
    if (arguments.length < 5) actual = obj;
    var text = String((negate ? negMessage : message) || 'assertion failed')
      .replace(/#\{this\}/g, function __chaiThis() { return __chaiDisplay(obj); })
      .replace(/#\{exp\}/g, function __chaiExp() { return __chaiDisplay(expected); })
      .replace(/#\{act\}/g, function __chaiAct() { return __chaiDisplay(actual); });
    var custom = this.__flags.message;
    throw new AssertionError(custom ? custom + ': ' + text : text, expected, actual, showDiff !== false && !negate);
  };
  define(proto, '_obj', { get: function __chaiObj() { return this.__flags.object; } });

  function __chaiAddProperty(name, getter) {
    define(proto, name, {
      configurable: true,
      get: function __chaiProp() { var r = getter.call(this); return r === undefined ? this : r; }
    });
  }
  function __chaiAddMethod(name, fn) {
    define(proto, name, {
      configurable: true, writable: true,
      value: function __chaiMethod() { var r = fn.apply(this, arguments); return r === undefined ? this : r; }
    });
  }
  // A word that is both a property (sets a flag) and a method: `.include.members(...)` / `.include(x)`.
  function __chaiAddChainable(name, method, chaining) {
    define(proto, name, {
      configurable: true,
      get: function __chaiChain() {
        if (chaining) chaining.call(this);
        var self = this;
        var call = function __chaiChainCall() { var r = method.apply(self, arguments); return r === undefined ? self : r; };
        Object.setPrototypeOf(call, proto);
        define(call, '__flags', { value: self.__flags, writable: true });
        define(call, 'call', { value: Function.prototype.call });
        define(call, 'apply', { value: Function.prototype.apply });
        return call;
      }
    });
  }

  ['to', 'be', 'been', 'is', 'that', 'which', 'and', 'has', 'have', 'with', 'at', 'of', 'same', 'but', 'does', 'still', 'also']
    .forEach(function __chaiWord(word) { __chaiAddProperty(word, function __chaiNoop() {}); });
  __chaiAddProperty('not', function __chaiNot() { __chaiFlag(this, 'negate', true); });
  __chaiAddProperty('deep', function __chaiDeep() { __chaiFlag(this, 'deep', true); });
  __chaiAddProperty('nested', function __chaiNested() { __chaiFlag(this, 'nested', true); });
  __chaiAddProperty('own', function __chaiOwn() { __chaiFlag(this, 'own', true); });
  __chaiAddProperty('ordered', function __chaiOrdered() { __chaiFlag(this, 'ordered', true); });
  __chaiAddProperty('any', function __chaiAny() { __chaiFlag(this, 'any', true); __chaiFlag(this, 'all', false); });
  __chaiAddProperty('all', function __chaiAll() { __chaiFlag(this, 'all', true); __chaiFlag(this, 'any', false); });

  // -- type ----------------------------------------------------------------------------------
  function __chaiAn(type, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    type = String(type).toLowerCase();
    var article = /^[aeiou]/.test(type) ? 'an ' : 'a ';
    var actual = __chaiType(this._obj);
    if (actual === 'object' && this._obj !== null && typeof this._obj[Symbol.toStringTag] === 'string') {
      actual = this._obj[Symbol.toStringTag].toLowerCase();
    }
    this.assert(type === actual, 'expected #{this} to be ' + article + type, 'expected #{this} not to be ' + article + type);
  }
  __chaiAddChainable('a', __chaiAn);
  __chaiAddChainable('an', __chaiAn);

  // -- equality ------------------------------------------------------------------------------
  function __chaiEqual(expected, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var obj = this._obj;
    if (__chaiFlag(this, 'deep')) return __chaiEql.call(this, expected);
    if (__chaiFlag(this, 'doLength')) {
      var len = obj == null ? undefined : obj.length;
      return this.assert(len === expected, 'expected #{this} to have a length of #{exp} but got #{act}',
        'expected #{this} to not have a length of #{act}', expected, len);
    }
    this.assert(expected === obj || (expected !== expected && obj !== obj), 'expected #{this} to equal #{exp}',
      'expected #{this} to not equal #{exp}', expected, obj, true);
  }
  function __chaiEql(expected, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    this.assert(__chaiDeepEqual(this._obj, expected), 'expected #{this} to deeply equal #{exp}',
      'expected #{this} to not deeply equal #{exp}', expected, this._obj, true);
  }
  ['equal', 'equals', 'eq'].forEach(function __chaiEq(name) { __chaiAddMethod(name, __chaiEqual); });
  ['eql', 'eqls'].forEach(function __chaiEqls(name) { __chaiAddMethod(name, __chaiEql); });

  // -- include -------------------------------------------------------------------------------
  function __chaiInclude(value, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var obj = this._obj, deep = !!__chaiFlag(this, 'deep');
    var word = deep ? 'deep include' : 'include';
    var type = __chaiType(obj), ok;
    if (type === 'string') {
      ok = obj.indexOf(value) !== -1;
    } else if (type === 'array') {
      ok = obj.some(function __chaiHas(item) { return deep ? __chaiDeepEqual(item, value) : item === value || (item !== item && value !== value); });
    } else if (type === 'set' || type === 'map') {
      ok = false;
      obj.forEach(function __chaiSetHas(item) { if (deep ? __chaiDeepEqual(item, value) : item === value) ok = true; });
    } else if (obj !== null && typeof obj === 'object' && value !== null && typeof value === 'object') {
      var self = this;
      var keys = Object.keys(value), failures = 0;
      keys.forEach(function __chaiIncludeKey(k) {
        var present = __chaiFlag(self, 'own') ? hasOwn(obj, k) : k in obj;
        var hit = present && (deep ? __chaiDeepEqual(obj[k], value[k]) : obj[k] === value[k]);
        if (!hit) failures++;
      });
      ok = failures === 0; // negated: passes when any key differs, as in Chai
      this.assert(ok, 'expected #{this} to ' + word + ' #{exp}', 'expected #{this} to not ' + word + ' #{exp}', value, obj);
      return;
    } else {
      throw new AssertionError((this.__flags.message ? this.__flags.message + ': ' : '') +
        'object tested must be an array, a map, an object, a set, a string, or a weakset, but ' + __chaiType(obj) + ' given');
    }
    this.assert(ok, 'expected #{this} to ' + word + ' #{exp}', 'expected #{this} to not ' + word + ' #{exp}', value, obj);
  }
  function __chaiContains() { __chaiFlag(this, 'contains', true); }
  ['include', 'includes', 'contain', 'contains'].forEach(function __chaiInc(name) { __chaiAddChainable(name, __chaiInclude, __chaiContains); });

  // -- terminals -----------------------------------------------------------------------------
  __chaiAddProperty('ok', function __chaiOk() {
    this.assert(!!this._obj, 'expected #{this} to be truthy', 'expected #{this} to be falsy');
  });
  __chaiAddProperty('true', function __chaiTrue() {
    this.assert(this._obj === true, 'expected #{this} to be true', 'expected #{this} to be false', !this.__flags.negate);
  });
  __chaiAddProperty('false', function __chaiFalse() {
    this.assert(this._obj === false, 'expected #{this} to be false', 'expected #{this} to be true', !!this.__flags.negate);
  });
  __chaiAddProperty('null', function __chaiNull() {
    this.assert(this._obj === null, 'expected #{this} to be null', 'expected #{this} not to be null');
  });
  __chaiAddProperty('undefined', function __chaiUndefined() {
    this.assert(this._obj === undefined, 'expected #{this} to be undefined', 'expected #{this} not to be undefined');
  });
  __chaiAddProperty('NaN', function __chaiNaN() {
    this.assert(typeof this._obj === 'number' && this._obj !== this._obj, 'expected #{this} to be NaN', 'expected #{this} not to be NaN');
  });
  __chaiAddProperty('finite', function __chaiFinite() {
    this.assert(typeof this._obj === 'number' && isFinite(this._obj), 'expected #{this} to be a finite number', 'expected #{this} to not be a finite number');
  });
  function __chaiExist() {
    this.assert(this._obj !== null && this._obj !== undefined, 'expected #{this} to exist', 'expected #{this} to not exist');
  }
  __chaiAddProperty('exist', __chaiExist);
  __chaiAddProperty('exists', __chaiExist);
  __chaiAddProperty('empty', function __chaiEmpty() {
    var obj = this._obj, type = __chaiType(obj), size;
    if (type === 'string' || type === 'array') size = obj.length;
    else if (type === 'map' || type === 'set') size = obj.size;
    else if (type === 'object') size = Object.keys(obj).length;
    else {
      throw new AssertionError((this.__flags.message ? this.__flags.message + ': ' : '') +
        '.empty was passed non-string primitive ' + __chaiInspect(obj));
    }
    this.assert(size === 0, 'expected #{this} to be empty', 'expected #{this} not to be empty');
  });

  // -- numbers (and .length.above(n)) -------------------------------------------------------------
  function __chaiCompare(word, negWord, test) {
    return function __chaiCompareFn(n, msg) {
      if (msg) __chaiFlag(this, 'message', msg);
      var obj = this._obj;
      if (__chaiFlag(this, 'doLength')) {
        var len = obj == null ? undefined : obj.length;
        return this.assert(test(len, n), 'expected #{this} to have a length ' + word + ' #{exp} but got #{act}',
          'expected #{this} to not have a length ' + word + ' #{exp}', n, len);
      }
      if (typeof obj !== 'number' && !(obj instanceof Date)) {
        throw new AssertionError((this.__flags.message ? this.__flags.message + ': ' : '') +
          'expected ' + __chaiInspect(obj) + ' to be a number or a date');
      }
      this.assert(test(obj, n), 'expected #{this} to be ' + word + ' #{exp}', 'expected #{this} to be ' + negWord + ' #{exp}', n);
    };
  }
  var above = __chaiCompare('above', 'at most', function __chaiGt(a, b) { return a > b; });
  var below = __chaiCompare('below', 'at least', function __chaiLt(a, b) { return a < b; });
  var least = __chaiCompare('at least', 'below', function __chaiGe(a, b) { return a >= b; });
  var most = __chaiCompare('at most', 'above', function __chaiLe(a, b) { return a <= b; });
  ['above', 'gt', 'greaterThan'].forEach(function __chaiA(n) { __chaiAddMethod(n, above); });
  ['below', 'lt', 'lessThan'].forEach(function __chaiB(n) { __chaiAddMethod(n, below); });
  ['least', 'gte', 'greaterThanOrEqual'].forEach(function __chaiL(n) { __chaiAddMethod(n, least); });
  ['most', 'lte', 'lessThanOrEqual'].forEach(function __chaiM(n) { __chaiAddMethod(n, most); });
  __chaiAddMethod('within', function __chaiWithin(start, finish, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var obj = this._obj, range = start + '..' + finish;
    if (__chaiFlag(this, 'doLength')) {
      var len = obj == null ? undefined : obj.length;
      return this.assert(len >= start && len <= finish, 'expected #{this} to have a length within ' + range,
        'expected #{this} to not have a length within ' + range);
    }
    this.assert(obj >= start && obj <= finish, 'expected #{this} to be within ' + range, 'expected #{this} to not be within ' + range);
  });
  function __chaiCloseTo(expected, delta, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    this.assert(Math.abs(this._obj - expected) <= delta, 'expected #{this} to be close to ' + expected + ' +/- ' + delta,
      'expected #{this} not to be close to ' + expected + ' +/- ' + delta);
  }
  __chaiAddMethod('closeTo', __chaiCloseTo);
  __chaiAddMethod('approximately', __chaiCloseTo);

  function __chaiLength(n, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var obj = this._obj;
    var len = obj == null ? undefined : (obj instanceof Map || obj instanceof Set) ? obj.size : obj.length;
    this.assert(len === n, 'expected #{this} to have a length of #{exp} but got #{act}',
      'expected #{this} to not have a length of #{act}', n, len);
  }
  function __chaiDoLength() { __chaiFlag(this, 'doLength', true); }
  __chaiAddChainable('length', __chaiLength, __chaiDoLength);
  __chaiAddChainable('lengthOf', __chaiLength, __chaiDoLength);

  // -- strings and patterns ------------------------------------------------------------------------
  function __chaiMatch(re, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    this.assert(re.exec(String(this._obj)) !== null, 'expected #{this} to match ' + re, 'expected #{this} not to match ' + re);
  }
  __chaiAddMethod('match', __chaiMatch);
  __chaiAddMethod('matches', __chaiMatch);
  __chaiAddMethod('string', function __chaiString(part, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    this.assert(String(this._obj).indexOf(part) !== -1, 'expected #{this} to contain ' + __chaiInspect(part),
      'expected #{this} to not contain ' + __chaiInspect(part));
  });
  __chaiAddMethod('oneOf', function __chaiOneOf(list, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var obj = this._obj, deep = __chaiFlag(this, 'deep');
    var ok = list.some(function __chaiIs(item) { return deep ? __chaiDeepEqual(item, obj) : item === obj; });
    this.assert(ok, 'expected #{this} to be one of #{exp}', 'expected #{this} to not be one of #{exp}', list, obj);
  });
  __chaiAddMethod('satisfy', function __chaiSatisfy(fn, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var result = fn(this._obj);
    this.assert(result, 'expected #{this} to satisfy ' + __chaiDisplay(fn), 'expected #{this} to not satisfy ' + __chaiDisplay(fn), !this.__flags.negate, result);
  });
  __chaiAddMethod('satisfies', proto.satisfy);
  function __chaiInstanceOf(ctor, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var name = ctor && ctor.name ? ctor.name : 'the constructor';
    this.assert(this._obj instanceof ctor, 'expected #{this} to be an instance of ' + name, 'expected #{this} to not be an instance of ' + name);
  }
  __chaiAddMethod('instanceOf', __chaiInstanceOf);
  __chaiAddMethod('instanceof', __chaiInstanceOf);

  // -- properties ------------------------------------------------------------------------------
  function __chaiProperty(name, value, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var obj = this._obj, nested = __chaiFlag(this, 'nested'), own = __chaiFlag(this, 'own'), deep = __chaiFlag(this, 'deep');
    if (obj === null || obj === undefined) {
      throw new AssertionError((this.__flags.message ? this.__flags.message + ': ' : '') +
        'Target cannot be null or undefined.');
    }
    var info = nested ? __chaiPathInfo(obj, name) : { exists: own ? hasOwn(obj, name) : name in Object(obj), value: obj[name] };
    var words = (deep ? 'deep ' : '') + (nested ? 'nested ' : '') + (own ? 'own ' : '') + 'property ';
    var hasValue = arguments.length > 1;
    if (!__chaiFlag(this, 'negate') || !hasValue) {
      this.assert(info.exists, 'expected #{this} to have ' + words + __chaiInspect(name),
        'expected #{this} to not have ' + words + __chaiInspect(name));
    }
    if (hasValue) {
      var same = deep ? __chaiDeepEqual(info.value, value) : info.value === value;
      this.assert(info.exists && same, 'expected #{this} to have ' + words + __chaiInspect(name) + ' of #{exp}, but got #{act}',
        'expected #{this} to not have ' + words + __chaiInspect(name) + ' of #{act}', value, info.value);
    }
    __chaiFlag(this, 'object', info.value);
  }
  __chaiAddMethod('property', __chaiProperty);
  __chaiAddMethod('ownProperty', function __chaiOwnProperty() {
    __chaiFlag(this, 'own', true);
    return __chaiProperty.apply(this, arguments);
  });
  __chaiAddMethod('haveOwnProperty', proto.ownProperty);
  __chaiAddMethod('nestedProperty', function __chaiNestedProperty() {
    __chaiFlag(this, 'nested', true);
    return __chaiProperty.apply(this, arguments);
  });

  // -- keys ----------------------------------------------------------------------------------------
  function __chaiKeys(first) {
    var obj = this._obj, keys;
    if (Array.isArray(first)) keys = first.slice();
    else if (first !== null && typeof first === 'object' && arguments.length === 1) keys = Object.keys(first);
    else keys = Array.prototype.slice.call(arguments);
    if (!keys.length) throw new Error('keys required');
    var actual = obj instanceof Map ? Array.from(obj.keys()) : Object.keys(Object(obj));
    var any = __chaiFlag(this, 'any'), all = __chaiFlag(this, 'all') || !any;
    var deep = __chaiFlag(this, 'deep');
    var has = function __chaiKeyIn(k) {
      return actual.some(function __chaiKeyIs(a) { return deep ? __chaiDeepEqual(a, k) : a === String(k) || a === k; });
    };
    var ok;
    if (any) ok = keys.some(has);
    else {
      ok = keys.every(has);
      if (!__chaiFlag(this, 'contains')) ok = ok && keys.length === actual.length;
    }
    var shown = keys.map(__chaiInspect), text;
    if (shown.length > 1) {
      var last = shown.pop();
      text = shown.join(', ') + (all ? ', and ' : ', or ') + last;
    } else {
      text = shown[0];
    }
    text = (keys.length > 1 ? 'keys ' : 'key ') + text;
    text = (__chaiFlag(this, 'contains') ? 'contain ' : 'have ') + (keys.length > 1 && all ? 'all ' : keys.length > 1 ? 'any ' : '') + text;
    if (deep) text = 'deep ' + text;
    this.assert(ok, 'expected #{this} to ' + text, 'expected #{this} to not ' + text, keys.slice().sort(), actual.slice().sort(), true);
  }
  __chaiAddMethod('keys', __chaiKeys);
  __chaiAddMethod('key', __chaiKeys);

  // -- members ---------------------------------------------------------------------------------
  __chaiAddMethod('members', function __chaiMembers(expected, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var obj = this._obj, deep = __chaiFlag(this, 'deep'), ordered = __chaiFlag(this, 'ordered');
    var contains = __chaiFlag(this, 'contains');
    var same = function __chaiSame(a, b) { return deep ? __chaiDeepEqual(a, b) : a === b || (a !== a && b !== b); };
    var ok;
    if (!Array.isArray(obj) || !Array.isArray(expected)) {
      throw new AssertionError((this.__flags.message ? this.__flags.message + ': ' : '') +
        'expected ' + __chaiInspect(obj) + ' and ' + __chaiInspect(expected) + ' to be arrays');
    }
    if (ordered) {
      ok = contains ? expected.every(function __chaiAt(v, i) { return same(obj[i], v); })
        : obj.length === expected.length && expected.every(function __chaiAt2(v, i) { return same(obj[i], v); });
    } else {
      var remaining = obj.slice();
      ok = expected.every(function __chaiTake(v) {
        for (var i = 0; i < remaining.length; i++) if (same(remaining[i], v)) { remaining.splice(i, 1); return true; }
        return false;
      });
      if (!contains) ok = ok && remaining.length === 0;
    }
    var subject = (deep ? 'deep ' : '') + (ordered ? 'ordered ' : '') + 'members';
    var verb = contains ? 'be an ' + (ordered ? 'ordered ' : '') + 'superset of' : 'have the same ' + subject + ' as';
    if (contains && !ordered) verb = 'be a superset of';
    this.assert(ok, 'expected #{this} to ' + verb + ' #{exp}', 'expected #{this} to not ' + verb + ' #{exp}', expected, obj);
  });

  // -- throw -----------------------------------------------------------------------------------
  function __chaiThrow(kind, text, msg) {
    if (msg) __chaiFlag(this, 'message', msg);
    var fn = this._obj, caught = null, threw = false;
    if (typeof kind === 'string' || kind instanceof RegExp) { text = kind; kind = null; }
    if (typeof fn !== 'function') {
      throw new AssertionError('expected ' + __chaiInspect(fn) + ' to be a function');
    }
    try { fn(); } catch (err) { threw = true; caught = err; }
    var message = caught && caught.message !== undefined ? String(caught.message) : String(caught);
    var ok = threw;
    var describe = 'an error';
    if (kind) {
      ok = ok && (kind instanceof Error ? caught === kind : caught instanceof kind);
      describe = kind instanceof Error ? __chaiInspect(kind) : (kind.name || 'the error type');
    }
    if (text !== undefined && text !== null) {
      ok = ok && (text instanceof RegExp ? text.test(message) : message.indexOf(text) !== -1);
      describe += ' including ' + __chaiInspect(text);
    }
    this.assert(ok, 'expected #{this} to throw ' + describe + (threw ? ' but ' + __chaiInspect(caught) + ' was thrown' : ''),
      'expected #{this} to not throw ' + describe + (threw ? ' but ' + __chaiInspect(caught) + ' was thrown' : ''));
    __chaiFlag(this, 'object', caught);
  }
  ['throw', 'throws', 'Throw'].forEach(function __chaiT(n) { __chaiAddMethod(n, __chaiThrow); });

  // -- the entry point, and a small plugin door for pm_runtime.js (response assertions) -------------
  function __rqExpect(value, message) { return new Assertion(value, message); }
  var plugin = {
    addProperty: __chaiAddProperty,
    addMethod: __chaiAddMethod,
    flag: __chaiFlag,
    inspect: __chaiInspect,
    display: __chaiDisplay,
    deepEqual: __chaiDeepEqual,
    pathInfo: __chaiPathInfo,
    AssertionError: AssertionError,
    Assertion: Assertion,
    // Wrap an existing member: `fallback` is the original getter/method, used for non-responses.
    overwriteProperty: function __chaiOverProp(name, getter) {
      var old = Object.getOwnPropertyDescriptor(proto, name);
      __chaiAddProperty(name, function __chaiOverGet() { return getter.call(this, old ? old.get : null); });
    },
    overwriteMethod: function __chaiOverMethod(name, fn) {
      var old = proto[name];
      __chaiAddMethod(name, function __chaiOverCall() {
        return fn.apply(this, [old].concat(Array.prototype.slice.call(arguments)));
      });
    }
  };
  define(__rqExpect, 'chai', { value: plugin });
  define(global, '__rqExpect', { value: __rqExpect, writable: false, configurable: false, enumerable: false });
  define(global, '__rqAssertionError', { value: AssertionError, writable: false, configurable: false, enumerable: false });
})(globalThis);
