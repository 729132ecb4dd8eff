// rqrun's JavaScript runtime: Requestly's `rq`, `console`, `atob`, `btoa`, timers, and the one
// door to the host, `__host(name, argsJson)`, which answers with a JSON string
// {"ok": true, "value": ...} or {"ok": false, "error": "...", "type": "TypeError"}.
// Every member calls the same Python objects as the Python `rq` (same checks, same limits, same
// records), so the two languages cannot drift apart. Loaded into a fresh context for each job,
// after chai.js (which may define __rqExpect) and before pm_runtime.js.
// Internal functions are named __rq*: the worker skips frames so named when it reports the
// script line of an error.
(function __rqRuntime(global) {
  'use strict';
  var host = global.__host;
  var parse = JSON.parse, stringify = JSON.stringify;
  var freeze = Object.freeze, define = Object.defineProperty;
  var ERRORS = { TypeError: TypeError, RangeError: RangeError, SyntaxError: SyntaxError, ReferenceError: ReferenceError };

  function __rqCall(name, args) {
    var reply = parse(host(name, stringify(args || [])));
    if (reply.ok) return reply.value;
    var Kind = ERRORS[reply.type] || Error;
    var error = new Kind(reply.error);
    if (reply.type && !ERRORS[reply.type]) error.name = reply.type;
    if (reply.fatal) define(error, '__rqFatal', { value: true });
    throw error;
  }

  function __rqText(value) {
    if (typeof value === 'string') return value;
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return '[Function' + (value.name ? ': ' + value.name : '') + ']';
    if (value instanceof Error) return String(value);
    if (value !== null && typeof value === 'object') {
      try { return stringify(value); } catch (e) { return '[object]'; }
    }
    return String(value);
  }

  // -- variables ----------------------------------------------------------------------------
  function __rqScope(name) {
    return freeze({
      get: function __rqGet(key) { return __rqCall('scope.get', [name, key]); },
      has: function __rqHas(key) { return __rqCall('scope.has', [name, key]); },
      set: function __rqSet(key, value) { __rqCall('scope.set', [name, key, value === undefined ? null : value]); },
      unset: function __rqUnset(key) { __rqCall('scope.unset', [name, key]); },
      clear: function __rqClear() { __rqCall('scope.clear', [name]); },
      toObject: function __rqToObject() { return __rqCall('scope.toObject', [name]); }
    });
  }

  // -- header / parameter lists ---------------------------------------------------------------
  function __rqList(read, change) {
    return freeze({
      get: function __rqListGet(name) { var v = __rqListFind(read(), name); return v === undefined ? undefined : v; },
      has: function __rqListHas(name) { return __rqListFind(read(), name) !== undefined; },
      all: function __rqListAll() { return read(); },
      toObject: function __rqListObject() {
        var out = {}; read().forEach(function __rqRow(r) { if (!(r.key in out)) out[r.key] = r.value; }); return out;
      },
      count: function __rqListCount() { return read().length; },
      each: function __rqListEach(fn) { read().forEach(function __rqEach(r) { fn(r); }); },
      add: function __rqListAdd(key, value) { change('add', key, value); },
      upsert: function __rqListUpsert(key, value) { change('upsert', key, value); },
      remove: function __rqListRemove(key) { change('remove', key); }
    });
  }
  function __rqListFind(rows, name) {
    if (typeof name !== 'string') return undefined;
    var lower = name.toLowerCase();
    for (var i = 0; i < rows.length; i++) {
      if (String(rows[i].key).toLowerCase() === lower) return rows[i].value;
    }
    return undefined;
  }
  function __rqRowArgs(key, value) {
    if (value === undefined && key !== null && typeof key === 'object') return [key.key, key.value];
    return [key, value === undefined ? null : value];
  }

  // -- rq.request ---------------------------------------------------------------------------
  function __rqRequest() {
    var snapshot = function __rqRequestGet() { return __rqCall('request.get'); };
    var lists = {};
    ['headers', 'queryParams'].forEach(function __rqMakeList(which) {
      lists[which] = __rqList(function __rqRead() { return snapshot()[which]; },
        function __rqChange(op, key, value) {
          var row = op === 'remove' ? [key, null] : __rqRowArgs(key, value);
          __rqCall('request.list', op === 'remove' ? [which, op, row[0]] : [which, op, row[0], row[1]]);
        });
    });
    var request = {};
    ['id', 'name', 'bodyMode'].forEach(function __rqField(field) {
      define(request, field, { enumerable: true, get: function __rqGetField() { return snapshot()[field]; } });
    });
    ['url', 'method', 'body', 'timeout'].forEach(function __rqWritable(field) {
      define(request, field, {
        enumerable: true,
        get: function __rqGetField() { return snapshot()[field]; },
        set: function __rqSetField(value) { __rqCall('request.set', [field, value === undefined ? null : value]); }
      });
    });
    define(request, 'headers', { enumerable: true, value: lists.headers });
    define(request, 'queryParams', { enumerable: true, value: lists.queryParams });
    define(request, 'toObject', { value: function __rqRequestObject() { return snapshot(); } });
    define(request, 'toJSON', { value: function __rqRequestToJSON() {
      var now = snapshot(), body = now.body;
      if (typeof body === 'string' && body) {
        try { body = parse(body); } catch (e) { throw new SyntaxError('Invalid JSON: the request body is not JSON'); }
      }
      return { method: now.method, url: now.url, body: body };
    } });
    return freeze(request);
  }

  // -- responses ----------------------------------------------------------------------------
  var STATUS_TERMINALS = ['ok', 'success', 'accepted', 'withoutContent', 'badRequest', 'unauthorized',
    'forbidden', 'notFound', 'rateLimited', 'clientError', 'serverError', 'error', 'info', 'redirection'];

  function __rqAssertion(source, negate) {
    var chain = {};
    var check = function __rqCheck(name, args) {
      __rqCall('response.assert', [source, negate, name, args]);
      return chain;
    };
    ['to', 'be', 'been', 'is', 'that', 'which', 'and', 'has', 'have', 'with'].forEach(function __rqLang(word) {
      define(chain, word, { get: function __rqSelf() { return chain; } });
    });
    define(chain, 'not', { get: function __rqNot() { return __rqAssertion(source, !negate); } });
    chain.status = function __rqStatus(code) { return check('status', [code]); };
    chain.header = function __rqHeader(name, value) { return check('header', value === undefined ? [name] : [name, value]); };
    chain.body = function __rqBody(text) { return check('body', [text]); };
    chain.jsonBody = function __rqJsonBody(path, value) {
      return check('jsonBody', path === undefined ? [] : value === undefined ? [path] : [path, value]);
    };
    STATUS_TERMINALS.forEach(function __rqTerminal(name) {
      define(chain, name, { get: function __rqTerminalGet() { return check(name, []); } });
    });
    return freeze(chain);
  }

  function __rqParse(body) {
    try { return parse(body); } catch (e) { throw new SyntaxError('Invalid JSON: the response body is not JSON (' + e.message + ')'); }
  }

  function __rqResponse(data, source) {
    var headers = __rqList(function __rqRead() { return data.headers.slice(); },
      function __rqReadOnly() { throw new TypeError('rq.response.headers cannot be changed'); });
    var response = {
      code: data.code, status: data.status, body: data.body, responseTime: data.responseTime,
      headers: headers,
      text: function __rqResponseText() { return data.body; },
      toJSON: function __rqResponseToJSON() {
        return { code: data.code, status: data.status, statusText: data.status, headers: data.headers.slice(),
          body: __rqParse(data.body), responseTime: data.responseTime, time: data.responseTime };
      },
      json: function __rqResponseJson() { return __rqParse(data.body); }
    };
    define(response, 'to', { get: function __rqTo() { return __rqAssertion(source, false); } });
    define(response, 'not', { get: function __rqRespNot() { return __rqAssertion(source, true); } });
    return freeze(response);
  }

  // -- tests and expect -----------------------------------------------------------------------
  function __rqLine(error) {
    var stack = error && typeof error.stack === 'string' ? error.stack.split('\n') : [];
    for (var i = 0; i < stack.length; i++) {
      var m = /^\s*at ([^ ]+) \(<input>:(\d+):\d+\)/.exec(stack[i]);
      if (m && m[1].indexOf('__') !== 0) return Number(m[2]);
    }
    return null;
  }

  function __rqRunTest(name, fn) {
    if (typeof fn === 'boolean') {
      __rqCall('test.add', [String(name), fn ? 'passed' : 'failed', fn ? null : 'the value is false']);
      return;
    }
    if (typeof fn !== 'function') throw new TypeError('rq.test expects a function or true/false');
    var outcome;
    try {
      outcome = fn();
    } catch (error) {
      if (error && error.__rqFatal) throw error;
      var text = error && error.name === 'AssertionError' ? String(error.message || 'assertion failed') : __rqText(error);
      var line = error && error.name !== 'AssertionError' ? __rqLine(error) : null;
      __rqCall('test.add', [String(name), 'failed', line ? text + ' (line ' + line + ')' : text]);
      return;
    }
    __rqCall('test.add', [String(name), outcome === false ? 'failed' : 'passed', outcome === false ? 'returned false' : null]);
  }
  var test = function __rqTest(name, fn) { __rqRunTest(name, fn); };
  test.skip = function __rqTestSkip(name) { __rqCall('test.add', [String(name), 'skipped', null]); };
  freeze(test);

  function __rqAssertionError(message) {
    var error = new Error(message);
    error.name = 'AssertionError';
    return error;
  }

  // A small expect for when chai.js is not loaded: the common BDD terminals.
  function __rqMiniExpect(value, message, negate) {
    var prefix = message ? message + ': ' : '';
    var chain = {};
    var assert = function __rqAssert(passed, wanted) {
      if (Boolean(passed) === Boolean(negate)) {
        throw __rqAssertionError(prefix + 'expected ' + __rqText(value) + (negate ? ' to not ' : ' to ') + wanted);
      }
      return chain;
    };
    var deepEqual = function __rqDeep(a, b) { return stringify(a) === stringify(b); };
    ['to', 'be', 'been', 'is', 'that', 'which', 'and', 'has', 'have', 'with', 'deep', 'at', 'of', 'same'].forEach(
      function __rqLang(word) { define(chain, word, { get: function __rqSelf() { return chain; } }); });
    define(chain, 'not', { get: function __rqNot() { return __rqMiniExpect(value, message, !negate); } });
    chain.equal = chain.equals = function __rqEqual(other) { return assert(value === other, 'equal ' + __rqText(other)); };
    chain.eql = function __rqEql(other) { return assert(deepEqual(value, other), 'deeply equal ' + __rqText(other)); };
    chain.include = chain.contain = function __rqInclude(part) {
      var ok = typeof value === 'string' || Array.isArray(value) ? value.indexOf(part) !== -1
        : value !== null && typeof value === 'object' && Object.keys(part).every(function __rqKey(k) { return deepEqual(value[k], part[k]); });
      return assert(ok, 'include ' + __rqText(part));
    };
    chain.property = function __rqProperty(name, expected) {
      var has = value !== null && value !== undefined && Object.prototype.hasOwnProperty.call(Object(value), name);
      if (arguments.length > 1) return assert(has && deepEqual(value[name], expected), 'have property ' + name + ' of ' + __rqText(expected));
      return assert(has, 'have property ' + name);
    };
    define(chain, 'lengthOf', { get: function __rqLengthOf() {
      var size = value != null ? value.length : undefined;
      var exact = function __rqLength(n) { return assert(size === n, 'have length ' + n); };
      var bound = {
        least: function __rqLeast(n) { return assert(size >= n, 'have length at least ' + n); },
        most: function __rqMost(n) { return assert(size <= n, 'have length at most ' + n); },
        above: function __rqLenAbove(n) { return assert(size > n, 'have length above ' + n); },
        below: function __rqLenBelow(n) { return assert(size < n, 'have length below ' + n); }
      };
      exact.at = bound;
      exact.above = bound.above;
      exact.below = bound.below;
      return exact;
    } });
    chain.match = function __rqMatch(re) { return assert(re.test(String(value)), 'match ' + re); };
    chain.above = chain.gt = chain.greaterThan = function __rqAbove(n) { return assert(value > n, 'be above ' + n); };
    chain.below = chain.lt = chain.lessThan = function __rqBelow(n) { return assert(value < n, 'be below ' + n); };
    chain.least = chain.gte = function __rqGte(n) { return assert(value >= n, 'be at least ' + n); };
    chain.most = chain.lte = function __rqLte(n) { return assert(value <= n, 'be at most ' + n); };
    chain.within = function __rqWithin(a, b) { return assert(value >= a && value <= b, 'be within ' + a + '..' + b); };
    chain.oneOf = function __rqOneOf(list) { return assert(list.indexOf(value) !== -1, 'be one of ' + __rqText(list)); };
    chain.a = chain.an = function __rqType(kind) {
      var actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
      return assert(actual === String(kind).toLowerCase(), 'be a ' + kind);
    };
    var terminals = {
      ok: function __rqOk() { return !!value; }, true: function __rqTrue() { return value === true; },
      false: function __rqFalse() { return value === false; }, null: function __rqNull() { return value === null; },
      undefined: function __rqUndef() { return value === undefined; },
      exist: function __rqExist() { return value !== null && value !== undefined; },
      empty: function __rqEmpty() {
        return value === '' || (Array.isArray(value) && !value.length) || (value && typeof value === 'object' && !Object.keys(value).length);
      }
    };
    Object.keys(terminals).forEach(function __rqTerm(name) {
      define(chain, name, { get: function __rqTermGet() { return assert(terminals[name](), 'be ' + name); } });
    });
    return chain;
  }

  function __rqExpectFn(value, message) {
    if (typeof global.__rqExpect === 'function') return global.__rqExpect(value, message);
    return __rqMiniExpect(value, message, false);
  }

  // -- sendRequest, vault, execution, info ------------------------------------------------
  var sent = 0;
  function __rqSendRequest(spec, callback) {
    if (callback !== undefined && typeof callback !== 'function') throw new TypeError('rq.sendRequest: the callback must be a function (err, res)');
    var data, response;
    try {
      data = __rqCall('sendRequest', [spec]);
      response = __rqResponse(data, ['sent', sent++]);
    } catch (error) {
      if (!callback || (error && error.__rqFatal)) throw error;
      callback(error, null);
      return undefined;
    }
    if (callback) callback(null, response);
    return response;
  }

  var vault = freeze({
    get: function __rqVaultGet(key) { return __rqCall('vault.get', [key]); },
    has: function __rqVaultHas(key) { return __rqCall('vault.has', [key]); },
    set: function __rqVaultSet(key, value) { __rqCall('vault.set', [key, value]); },
    unset: function __rqVaultUnset(key) { __rqCall('vault.unset', [key]); }
  });

  var execution = freeze({
    setNextRequest: function __rqSetNext(target) {
      __rqCall('execution.setNextRequest', [target === undefined ? null : target]);
    },
    skipRequest: function __rqSkip() { __rqCall('execution.skipRequest', []); }
  });

  var rq = {
    environment: __rqScope('environment'),
    globals: __rqScope('globals'),
    collectionVariables: __rqScope('collectionVariables'),
    variables: __rqScope('variables'),
    iterationData: __rqScope('iterationData'),
    request: __rqRequest(),
    test: test,
    expect: function __rqExpectCall(value, message) { return __rqExpectFn(value, message); },
    vault: vault,
    sendRequest: __rqSendRequest,
    execution: execution,
    dynamic: function __rqDynamic(name) {
      return __rqCall('dynamic', [name, Array.prototype.slice.call(arguments, 1)]);
    }
  };
  // The context is prepared before its job arrives: what the job holds is read on first use.
  var loaded = {};
  define(rq, 'response', { enumerable: true, get: function __rqGetResponse() {
    if (!('response' in loaded)) {
      var data = __rqCall('response.get');
      loaded.response = data ? __rqResponse(data, ['response']) : null;
    }
    return loaded.response;
  } });
  define(rq, 'info', { enumerable: true, get: function __rqGetInfo() {
    if (!('info' in loaded)) loaded.info = freeze(__rqCall('info.get'));
    return loaded.info;
  } });

  // -- console ---------------------------------------------------------------------------
  function __rqConsole(level) {
    return function __rqLog() {
      var parts = [];
      for (var i = 0; i < arguments.length; i++) parts.push(__rqText(arguments[i]));
      __rqCall('console', [level, parts.join(' ')]);
    };
  }
  var console = freeze({
    log: __rqConsole('log'), info: __rqConsole('info'), warn: __rqConsole('warn'),
    error: __rqConsole('error'), debug: __rqConsole('debug')
  });

  // -- atob / btoa (binary strings, as in browsers) -------------------------------------------
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function __rqBtoa(input) {
    var text = String(input), out = '';
    for (var i = 0; i < text.length; i += 3) {
      var a = text.charCodeAt(i), b = text.charCodeAt(i + 1), c = text.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw new Error('btoa: the string has characters outside Latin-1');
      var n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) +
        (i + 1 < text.length ? B64.charAt((n >> 6) & 63) : '=') + (i + 2 < text.length ? B64.charAt(n & 63) : '=');
    }
    return out;
  }
  function __rqAtob(input) {
    var text = String(input).replace(/[\t\n\f\r ]/g, '').replace(/={1,2}$/, ''), out = '', bits = 0, value = 0;
    if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) throw new Error('atob: the string is not valid base64');
    for (var i = 0; i < text.length; i++) {
      value = (value << 6) | B64.indexOf(text.charAt(i));
      bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((value >> bits) & 255); }
    }
    return out;
  }

  // -- timers: run after the script, in order of delay, without waiting -------------------------
  var timers = [], timerSeq = 0, MAX_TIMERS = 1000;
  function __rqSetTimeout(fn, delay) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout expects a function');
    if (timers.length >= MAX_TIMERS) throw new RangeError('setTimeout: more than ' + MAX_TIMERS + ' pending timers');
    var args = Array.prototype.slice.call(arguments, 2);
    var id = ++timerSeq;
    timers.push({ id: id, at: Math.max(0, Number(delay) || 0), fn: fn, args: args });
    return id;
  }
  function __rqClearTimeout(id) { timers = timers.filter(function __rqKeep(t) { return t.id !== id; }); }
  // Called by the worker after the script and after each round of promise jobs: one timer, or false.
  function __rqNextTimer() {
    if (!timers.length) return false;
    var next = 0;
    for (var i = 1; i < timers.length; i++) {
      if (timers[i].at < timers[next].at || (timers[i].at === timers[next].at && timers[i].id < timers[next].id)) next = i;
    }
    var timer = timers.splice(next, 1)[0];
    timer.fn.apply(undefined, timer.args);
    return true;
  }

  var constant = function __rqConstant(name, value) {
    define(global, name, { value: value, writable: false, configurable: false, enumerable: false });
  };
  constant('rq', freeze(rq));
  constant('console', console);
  constant('atob', __rqAtob);
  constant('btoa', __rqBtoa);
  constant('setTimeout', __rqSetTimeout);
  constant('setInterval', function __rqSetInterval() { throw new TypeError('setInterval is not available in scripts'); });
  constant('clearTimeout', __rqClearTimeout);
  constant('clearInterval', __rqClearTimeout);
  constant('__rqNextTimer', __rqNextTimer);
  constant('__rqScriptLine', __rqLine);
  constant('__host', host);
})(globalThis);
