// require('lodash') (and Postman's global `_`) for rqrun's JavaScript scripts: written for rqrun
// (not lodash's code), the functions collections call, with lodash's iteratee shorthands
// (a property name, a {partial: object}, a [path, value] pair) and its treatment of objects as
// collections. Deep operations are bounded by the context's memory and stack limits.
(function __lodashModule(global) {
  'use strict';
  var modules = global.__pmModules;
  if (!modules) {
    modules = {};
    Object.defineProperty(global, '__pmModules', { value: modules, writable: false, configurable: false, enumerable: false });
  }

  modules.lodash = function __lodashFactory(require) {
    var _ = {};
    var hasOwn = function __lodashOwn(o, k) { return o !== null && o !== undefined && Object.prototype.hasOwnProperty.call(o, k); };
    var deepEqual = global.__rqExpect.chai.deepEqual;

    // -- types ---------------------------------------------------------------------------------
    _.isArray = Array.isArray;
    _.isString = function __lodashIsString(v) { return typeof v === 'string'; };
    _.isNumber = function __lodashIsNumber(v) { return typeof v === 'number'; };
    _.isInteger = function __lodashIsInteger(v) { return Number.isInteger(v); };
    _.isFinite = function __lodashIsFinite(v) { return typeof v === 'number' && isFinite(v); };
    _.isNaN = function __lodashIsNaN(v) { return typeof v === 'number' && v !== v; };
    _.isBoolean = function __lodashIsBoolean(v) { return typeof v === 'boolean'; };
    _.isFunction = function __lodashIsFunction(v) { return typeof v === 'function'; };
    _.isObject = function __lodashIsObject(v) { return v !== null && (typeof v === 'object' || typeof v === 'function'); };
    _.isObjectLike = function __lodashIsObjectLike(v) { return v !== null && typeof v === 'object'; };
    _.isPlainObject = function __lodashIsPlain(v) {
      if (v === null || typeof v !== 'object') return false;
      var proto = Object.getPrototypeOf(v);
      return proto === null || proto === Object.prototype;
    };
    _.isUndefined = function __lodashIsUndefined(v) { return v === undefined; };
    _.isNull = function __lodashIsNull(v) { return v === null; };
    _.isNil = function __lodashIsNil(v) { return v === null || v === undefined; };
    _.isDate = function __lodashIsDate(v) { return v instanceof Date; };
    _.isRegExp = function __lodashIsRegExp(v) { return v instanceof RegExp; };
    _.isError = function __lodashIsError(v) { return v instanceof Error; };
    _.isEmpty = function __lodashIsEmpty(v) {
      if (v === null || v === undefined) return true;
      if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
      if (v instanceof Map || v instanceof Set) return v.size === 0;
      if (typeof v === 'object') return Object.keys(v).length === 0;
      return true;
    };
    _.isEqual = function __lodashIsEqual(a, b) { return deepEqual(a, b); };
    _.isMatch = function __lodashIsMatch(obj, src) { return __lodashMatches(src)(obj); };

    // -- paths ---------------------------------------------------------------------------------
    function __lodashPath(path) {
      if (Array.isArray(path)) return path;
      if (typeof path === 'number') return [path];
      var parts = [];
      String(path).replace(/\[(?:(-?\d+)|(["'])(.*?)\2)\]|([^.[\]]+)/g, function __lodashSeg(_m, n, _q, quoted, name) {
        parts.push(n !== undefined ? n : quoted !== undefined ? quoted : name);
        return '';
      });
      return parts;
    }
    _.toPath = __lodashPath;
    _.get = function __lodashGet(obj, path, fallback) {
      var parts = __lodashPath(path), cur = obj;
      for (var i = 0; i < parts.length; i++) {
        if (cur === null || cur === undefined) return fallback;
        cur = cur[parts[i]];
      }
      return cur === undefined ? fallback : cur;
    };
    _.has = function __lodashHas(obj, path) {
      var parts = __lodashPath(path), cur = obj;
      if (!parts.length) return false;
      for (var i = 0; i < parts.length; i++) {
        if (!hasOwn(cur, parts[i])) return false;
        cur = cur[parts[i]];
      }
      return true;
    };
    _.set = function __lodashSet(obj, path, value) {
      if (obj === null || typeof obj !== 'object') return obj;
      var parts = __lodashPath(path), cur = obj;
      for (var i = 0; i < parts.length - 1; i++) {
        var k = parts[i];
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') return obj;
        if (cur[k] === null || typeof cur[k] !== 'object') cur[k] = /^\d+$/.test(String(parts[i + 1])) ? [] : {};
        cur = cur[k];
      }
      var last = parts[parts.length - 1];
      if (last !== '__proto__' && last !== 'constructor' && last !== 'prototype') cur[last] = value;
      return obj;
    };
    _.unset = function __lodashUnset(obj, path) {
      var parts = __lodashPath(path), parent = _.get(obj, parts.slice(0, -1));
      if (parts.length === 1) parent = obj;
      if (parent !== null && typeof parent === 'object') return delete parent[parts[parts.length - 1]];
      return true;
    };
    _.property = function __lodashProperty(path) { return function __lodashProp(o) { return _.get(o, path); }; };

    // -- iteratees -----------------------------------------------------------------------------
    function __lodashMatches(src) {
      return function __lodashMatch(obj) {
        if (obj === null || obj === undefined) return _.isEmpty(src);
        return Object.keys(src).every(function __lodashKey(k) {
          var want = src[k], have = obj[k];
          if (want !== null && typeof want === 'object' && !Array.isArray(want)) return have !== null && typeof have === 'object' && __lodashMatches(want)(have);
          return deepEqual(have, want);
        });
      };
    }
    _.matches = __lodashMatches;
    _.matchesProperty = function __lodashMatchesProp(path, value) {
      return function __lodashMP(o) { return deepEqual(_.get(o, path), value); };
    };
    function __lodashIteratee(fn) {
      if (typeof fn === 'function') return fn;
      if (fn === null || fn === undefined) return _.identity;
      if (Array.isArray(fn)) return _.matchesProperty(fn[0], fn[1]);
      if (typeof fn === 'object') return __lodashMatches(fn);
      return _.property(fn);
    }
    _.iteratee = __lodashIteratee;
    _.identity = function __lodashIdentity(v) { return v; };
    _.noop = function __lodashNoop() {};
    _.constant = function __lodashConstant(v) { return function __lodashC() { return v; }; };

    function __lodashEntries(coll) {
      if (coll === null || coll === undefined) return [];
      if (Array.isArray(coll) || typeof coll === 'string') {
        var out = [];
        for (var i = 0; i < coll.length; i++) out.push([i, coll[i]]);
        return out;
      }
      return Object.keys(coll).map(function __lodashPair(k) { return [k, coll[k]]; });
    }

    // -- collections -----------------------------------------------------------------------------
    _.forEach = _.each = function __lodashEach(coll, fn) {
      var entries = __lodashEntries(coll);
      for (var i = 0; i < entries.length; i++) if (fn(entries[i][1], entries[i][0], coll) === false) break;
      return coll;
    };
    _.forOwn = _.forIn = function __lodashForOwn(obj, fn) {
      var keys = Object.keys(Object(obj));
      for (var i = 0; i < keys.length; i++) if (fn(obj[keys[i]], keys[i], obj) === false) break;
      return obj;
    };
    _.map = function __lodashMap(coll, fn) {
      var f = __lodashIteratee(fn);
      return __lodashEntries(coll).map(function __lodashM(e) { return f(e[1], e[0], coll); });
    };
    _.filter = function __lodashFilter(coll, fn) {
      var f = __lodashIteratee(fn);
      return __lodashEntries(coll).filter(function __lodashF(e) { return f(e[1], e[0], coll); }).map(function __lodashV(e) { return e[1]; });
    };
    _.reject = function __lodashReject(coll, fn) {
      var f = __lodashIteratee(fn);
      return _.filter(coll, function __lodashNotF(v, k, c) { return !f(v, k, c); });
    };
    _.find = function __lodashFind(coll, fn) {
      var f = __lodashIteratee(fn), entries = __lodashEntries(coll);
      for (var i = 0; i < entries.length; i++) if (f(entries[i][1], entries[i][0], coll)) return entries[i][1];
      return undefined;
    };
    _.findLast = function __lodashFindLast(coll, fn) {
      var f = __lodashIteratee(fn), entries = __lodashEntries(coll);
      for (var i = entries.length - 1; i >= 0; i--) if (f(entries[i][1], entries[i][0], coll)) return entries[i][1];
      return undefined;
    };
    _.findIndex = function __lodashFindIndex(arr, fn) {
      var f = __lodashIteratee(fn);
      for (var i = 0; i < (arr || []).length; i++) if (f(arr[i], i, arr)) return i;
      return -1;
    };
    _.findKey = function __lodashFindKey(obj, fn) {
      var f = __lodashIteratee(fn), keys = Object.keys(Object(obj));
      for (var i = 0; i < keys.length; i++) if (f(obj[keys[i]], keys[i], obj)) return keys[i];
      return undefined;
    };
    _.some = function __lodashSome(coll, fn) {
      var f = __lodashIteratee(fn);
      return __lodashEntries(coll).some(function __lodashS(e) { return f(e[1], e[0], coll); });
    };
    _.every = function __lodashEvery(coll, fn) {
      var f = __lodashIteratee(fn);
      return __lodashEntries(coll).every(function __lodashE(e) { return f(e[1], e[0], coll); });
    };
    _.reduce = function __lodashReduce(coll, fn, acc) {
      var entries = __lodashEntries(coll), i = 0;
      if (arguments.length < 3) { acc = entries.length ? entries[0][1] : undefined; i = 1; }
      for (; i < entries.length; i++) acc = fn(acc, entries[i][1], entries[i][0], coll);
      return acc;
    };
    _.includes = _.contains = function __lodashIncludes(coll, value, from) {
      if (typeof coll === 'string') return coll.indexOf(value, from || 0) !== -1;
      return _.values(coll).slice(from || 0).some(function __lodashIs(v) { return v === value || (v !== v && value !== value); });
    };
    _.size = function __lodashSize(coll) {
      if (coll === null || coll === undefined) return 0;
      if (typeof coll === 'string' || Array.isArray(coll)) return coll.length;
      return Object.keys(coll).length;
    };
    _.groupBy = function __lodashGroupBy(coll, fn) {
      var f = __lodashIteratee(fn), out = {};
      _.forEach(coll, function __lodashG(v) { var k = f(v); (hasOwn(out, k) ? out[k] : (out[k] = [])).push(v); });
      return out;
    };
    _.keyBy = function __lodashKeyBy(coll, fn) {
      var f = __lodashIteratee(fn), out = {};
      _.forEach(coll, function __lodashK(v) { out[f(v)] = v; });
      return out;
    };
    _.countBy = function __lodashCountBy(coll, fn) {
      var f = __lodashIteratee(fn), out = {};
      _.forEach(coll, function __lodashC(v) { var k = f(v); out[k] = (out[k] || 0) + 1; });
      return out;
    };
    _.partition = function __lodashPartition(coll, fn) {
      var f = __lodashIteratee(fn), yes = [], no = [];
      _.forEach(coll, function __lodashP(v) { (f(v) ? yes : no).push(v); });
      return [yes, no];
    };
    function __lodashCompare(a, b) {
      if (a === b) return 0;
      if (a === undefined) return 1;
      if (b === undefined) return -1;
      return a < b ? -1 : a > b ? 1 : 0;
    }
    _.sortBy = function __lodashSortBy(coll, fns) {
      var list = [].concat(fns === undefined ? [_.identity] : fns).map(__lodashIteratee);
      return _.values(coll).map(function __lodashWrap(v, i) { return { v: v, i: i }; }).sort(function __lodashS(x, y) {
        for (var k = 0; k < list.length; k++) {
          var c = __lodashCompare(list[k](x.v), list[k](y.v));
          if (c) return c;
        }
        return x.i - y.i;
      }).map(function __lodashU(x) { return x.v; });
    };
    _.orderBy = function __lodashOrderBy(coll, fns, orders) {
      var list = [].concat(fns === undefined ? [_.identity] : fns).map(__lodashIteratee);
      var dirs = [].concat(orders || []);
      return _.values(coll).map(function __lodashWrap(v, i) { return { v: v, i: i }; }).sort(function __lodashO(x, y) {
        for (var k = 0; k < list.length; k++) {
          var c = __lodashCompare(list[k](x.v), list[k](y.v));
          if (c) return dirs[k] === 'desc' ? -c : c;
        }
        return x.i - y.i;
      }).map(function __lodashU(x) { return x.v; });
    };
    _.sample = function __lodashSample(coll) { var v = _.values(coll); return v[Math.floor(Math.random() * v.length)]; };
    _.sampleSize = function __lodashSampleSize(coll, n) { return _.shuffle(coll).slice(0, n === undefined ? 1 : n); };
    _.shuffle = function __lodashShuffle(coll) {
      var v = _.values(coll).slice();
      for (var i = v.length - 1; i > 0; i--) { var j = Math.floor(Math.random() * (i + 1)), t = v[i]; v[i] = v[j]; v[j] = t; }
      return v;
    };

    // -- arrays ------------------------------------------------------------------------------------
    _.head = _.first = function __lodashHead(arr) { return arr && arr.length ? arr[0] : undefined; };
    _.last = function __lodashLast(arr) { return arr && arr.length ? arr[arr.length - 1] : undefined; };
    _.tail = function __lodashTail(arr) { return (arr || []).slice(1); };
    _.initial = function __lodashInitial(arr) { return (arr || []).slice(0, -1); };
    _.nth = function __lodashNth(arr, n) { n = n || 0; return (arr || [])[n < 0 ? arr.length + n : n]; };
    _.take = function __lodashTake(arr, n) { return (arr || []).slice(0, n === undefined ? 1 : n); };
    _.takeRight = function __lodashTakeRight(arr, n) { n = n === undefined ? 1 : n; return n ? (arr || []).slice(-n) : []; };
    _.drop = function __lodashDrop(arr, n) { return (arr || []).slice(n === undefined ? 1 : n); };
    _.dropRight = function __lodashDropRight(arr, n) { n = n === undefined ? 1 : n; return (arr || []).slice(0, Math.max(0, arr.length - n)); };
    _.compact = function __lodashCompact(arr) { return (arr || []).filter(Boolean); };
    _.concat = function __lodashConcat() { return Array.prototype.concat.apply([], arguments); };
    _.flatten = function __lodashFlatten(arr) { return Array.prototype.concat.apply([], arr || []); };
    _.flattenDeep = function __lodashFlattenDeep(arr) {
      return (arr || []).reduce(function __lodashFD(acc, v) { return acc.concat(Array.isArray(v) ? _.flattenDeep(v) : [v]); }, []);
    };
    _.uniq = function __lodashUniq(arr) {
      var out = [];
      (arr || []).forEach(function __lodashU(v) { if (!_.includes(out, v)) out.push(v); });
      return out;
    };
    _.uniqBy = function __lodashUniqBy(arr, fn) {
      var f = __lodashIteratee(fn), seen = [], out = [];
      (arr || []).forEach(function __lodashU(v) { var k = f(v); if (!_.includes(seen, k)) { seen.push(k); out.push(v); } });
      return out;
    };
    _.uniqWith = function __lodashUniqWith(arr, cmp) {
      var out = [];
      (arr || []).forEach(function __lodashU(v) { if (!out.some(function __lodashS(o) { return cmp(v, o); })) out.push(v); });
      return out;
    };
    _.difference = function __lodashDifference(arr) {
      var others = _.flatten(Array.prototype.slice.call(arguments, 1));
      return (arr || []).filter(function __lodashD(v) { return !_.includes(others, v); });
    };
    _.without = function __lodashWithout(arr) {
      var drop = Array.prototype.slice.call(arguments, 1);
      return (arr || []).filter(function __lodashW(v) { return !_.includes(drop, v); });
    };
    _.intersection = function __lodashIntersection(first) {
      var rest = Array.prototype.slice.call(arguments, 1);
      return _.uniq(first || []).filter(function __lodashI(v) { return rest.every(function __lodashIn(a) { return _.includes(a, v); }); });
    };
    _.union = function __lodashUnion() { return _.uniq(_.flatten(Array.prototype.slice.call(arguments))); };
    _.chunk = function __lodashChunk(arr, size) {
      size = Math.max(1, size || 1);
      var out = [];
      for (var i = 0; i < (arr || []).length; i += size) out.push(arr.slice(i, i + size));
      return out;
    };
    _.zip = function __lodashZip() {
      var arrays = Array.prototype.slice.call(arguments), len = Math.max.apply(null, arrays.map(function __lodashL(a) { return a.length; }).concat([0]));
      return _.times(len, function __lodashZ(i) { return arrays.map(function __lodashA(a) { return a[i]; }); });
    };
    _.fromPairs = function __lodashFromPairs(pairs) {
      var out = {};
      (pairs || []).forEach(function __lodashFP(p) { out[p[0]] = p[1]; });
      return out;
    };
    _.toPairs = _.entries = function __lodashToPairs(obj) { return Object.keys(Object(obj)).map(function __lodashTP(k) { return [k, obj[k]]; }); };
    _.indexOf = function __lodashIndexOf(arr, v, from) { return (arr || []).indexOf(v, from); };
    _.join = function __lodashJoin(arr, sep) { return (arr || []).join(sep === undefined ? ',' : sep); };
    _.reverse = function __lodashReverse(arr) { return arr.reverse(); };
    _.remove = function __lodashRemove(arr, fn) {
      var f = __lodashIteratee(fn), removed = [];
      for (var i = 0; i < arr.length;) { if (f(arr[i], i, arr)) removed.push(arr.splice(i, 1)[0]); else i++; }
      return removed;
    };
    _.range = function __lodashRange(start, end, step) {
      if (end === undefined) { end = start; start = 0; }
      step = step === undefined ? (end < start ? -1 : 1) : step;
      var out = [];
      if (step === 0) return _.times(Math.max(0, Math.ceil(end - start)), _.constant(start));
      for (var v = start; step > 0 ? v < end : v > end; v += step) out.push(v);
      return out;
    };
    _.times = function __lodashTimes(n, fn) {
      var f = fn || _.identity, out = [];
      for (var i = 0; i < n; i++) out.push(f(i));
      return out;
    };

    // -- numbers --------------------------------------------------------------------------------------
    _.random = function __lodashRandom(lower, upper, floating) {
      if (typeof upper === 'boolean') { floating = upper; upper = undefined; }
      if (typeof lower === 'boolean') { floating = lower; lower = undefined; }
      if (lower === undefined && upper === undefined) { lower = 0; upper = 1; } else if (upper === undefined) { upper = lower; lower = 0; }
      if (lower > upper) { var t = lower; lower = upper; upper = t; }
      if (floating || lower % 1 || upper % 1) return lower + Math.random() * (upper - lower);
      return lower + Math.floor(Math.random() * (upper - lower + 1));
    };
    _.sum = function __lodashSum(arr) { return (arr || []).reduce(function __lodashS(a, b) { return a + b; }, 0); };
    _.sumBy = function __lodashSumBy(arr, fn) { return _.sum(_.map(arr, fn)); };
    _.mean = function __lodashMean(arr) { return arr && arr.length ? _.sum(arr) / arr.length : NaN; };
    _.max = function __lodashMax(arr) { return arr && arr.length ? arr.reduce(function __lodashM(a, b) { return b > a ? b : a; }) : undefined; };
    _.min = function __lodashMin(arr) { return arr && arr.length ? arr.reduce(function __lodashM(a, b) { return b < a ? b : a; }) : undefined; };
    _.maxBy = function __lodashMaxBy(arr, fn) {
      var f = __lodashIteratee(fn);
      return (arr || []).reduce(function __lodashM(a, b) { return a === undefined || f(b) > f(a) ? b : a; }, undefined);
    };
    _.minBy = function __lodashMinBy(arr, fn) {
      var f = __lodashIteratee(fn);
      return (arr || []).reduce(function __lodashM(a, b) { return a === undefined || f(b) < f(a) ? b : a; }, undefined);
    };
    _.clamp = function __lodashClamp(n, lower, upper) {
      if (upper === undefined) { upper = lower; lower = undefined; }
      if (upper !== undefined) n = Math.min(n, upper);
      if (lower !== undefined) n = Math.max(n, lower);
      return n;
    };
    _.inRange = function __lodashInRange(n, start, end) {
      if (end === undefined) { end = start; start = 0; }
      return n >= Math.min(start, end) && n < Math.max(start, end);
    };
    _.toNumber = function __lodashToNumber(v) { return Number(v); };
    _.toInteger = function __lodashToInteger(v) { var n = Number(v); return isFinite(n) ? Math.trunc(n) : n !== n ? 0 : n; };
    _.toString = function __lodashToString(v) { return v === null || v === undefined ? '' : String(v); };
    _.parseInt = function __lodashParseInt(v, radix) { return parseInt(v, radix || 10); };
    _.round = function __lodashRound(n, p) { var f = Math.pow(10, p || 0); return Math.round(n * f) / f; };
    _.floor = function __lodashFloor(n, p) { var f = Math.pow(10, p || 0); return Math.floor(n * f) / f; };
    _.ceil = function __lodashCeil(n, p) { var f = Math.pow(10, p || 0); return Math.ceil(n * f) / f; };

    // -- objects ----------------------------------------------------------------------------------------
    _.keys = function __lodashKeys(obj) { return obj === null || obj === undefined ? [] : Object.keys(Object(obj)); };
    _.values = function __lodashValues(obj) {
      if (obj === null || obj === undefined) return [];
      if (Array.isArray(obj)) return obj.slice();
      if (typeof obj === 'string') return obj.split('');
      return Object.keys(obj).map(function __lodashV(k) { return obj[k]; });
    };
    _.assign = _.extend = function __lodashAssign(target) {
      for (var i = 1; i < arguments.length; i++) {
        var src = arguments[i];
        if (src) Object.keys(src).forEach(function __lodashA(k) { if (k !== '__proto__') target[k] = src[k]; });
      }
      return target;
    };
    _.defaults = function __lodashDefaults(target) {
      for (var i = 1; i < arguments.length; i++) {
        var src = arguments[i];
        if (src) Object.keys(src).forEach(function __lodashD(k) { if (target[k] === undefined && k !== '__proto__') target[k] = src[k]; });
      }
      return target;
    };
    function __lodashMergeInto(target, src, depth) {
      if (depth > 100) throw new RangeError('_.merge: structure too deep');
      Object.keys(src).forEach(function __lodashMerge(k) {
        if (k === '__proto__' || k === 'constructor' || k === 'prototype') return;
        var value = src[k];
        if (value !== null && typeof value === 'object' && (Array.isArray(value) || _.isPlainObject(value))) {
          var into = target[k];
          if (into === null || typeof into !== 'object') into = target[k] = Array.isArray(value) ? [] : {};
          __lodashMergeInto(into, value, depth + 1);
        } else if (value !== undefined || !(k in target)) {
          target[k] = value;
        }
      });
      return target;
    }
    _.merge = function __lodashMergeAll(target) {
      for (var i = 1; i < arguments.length; i++) if (arguments[i]) __lodashMergeInto(target, arguments[i], 0);
      return target;
    };
    _.clone = function __lodashClone(v) {
      if (Array.isArray(v)) return v.slice();
      if (v instanceof Date) return new Date(v.getTime());
      if (v !== null && typeof v === 'object') return _.assign({}, v);
      return v;
    };
    _.cloneDeep = function __lodashCloneDeep(v, depth) {
      depth = depth || 0;
      if (depth > 1000) throw new RangeError('_.cloneDeep: structure too deep');
      if (Array.isArray(v)) return v.map(function __lodashCD(x) { return _.cloneDeep(x, depth + 1); });
      if (v instanceof Date) return new Date(v.getTime());
      if (v instanceof RegExp) return new RegExp(v.source, v.flags);
      if (v !== null && typeof v === 'object') {
        var out = {};
        Object.keys(v).forEach(function __lodashCK(k) { out[k] = _.cloneDeep(v[k], depth + 1); });
        return out;
      }
      return v;
    };
    _.pick = function __lodashPick(obj) {
      var paths = _.flatten(Array.prototype.slice.call(arguments, 1)), out = {};
      paths.forEach(function __lodashP(p) { if (_.has(obj, p) || (obj && p in Object(obj))) _.set(out, p, _.get(obj, p)); });
      return out;
    };
    _.pickBy = function __lodashPickBy(obj, fn) {
      var f = __lodashIteratee(fn), out = {};
      _.forOwn(obj, function __lodashPB(v, k) { if (f(v, k)) out[k] = v; });
      return out;
    };
    _.omit = function __lodashOmit(obj) {
      var drop = _.flatten(Array.prototype.slice.call(arguments, 1)).map(String), out = {};
      _.forOwn(obj, function __lodashO(v, k) { if (drop.indexOf(k) === -1) out[k] = v; });
      drop.forEach(function __lodashOD(p) { if (p.indexOf('.') !== -1 && _.has(out, p)) { out = _.cloneDeep(out); _.unset(out, p); } });
      return out;
    };
    _.omitBy = function __lodashOmitBy(obj, fn) {
      var f = __lodashIteratee(fn);
      return _.pickBy(obj, function __lodashNot(v, k) { return !f(v, k); });
    };
    _.mapValues = function __lodashMapValues(obj, fn) {
      var f = __lodashIteratee(fn), out = {};
      _.forOwn(obj, function __lodashMV(v, k) { out[k] = f(v, k, obj); });
      return out;
    };
    _.mapKeys = function __lodashMapKeys(obj, fn) {
      var f = __lodashIteratee(fn), out = {};
      _.forOwn(obj, function __lodashMK(v, k) { out[f(v, k, obj)] = v; });
      return out;
    };
    _.invert = function __lodashInvert(obj) {
      var out = {};
      _.forOwn(obj, function __lodashInv(v, k) { out[v] = k; });
      return out;
    };
    _.result = function __lodashResult(obj, path, fallback) {
      var v = _.get(obj, path, fallback);
      return typeof v === 'function' ? v.call(obj) : v;
    };

    // -- strings ------------------------------------------------------------------------------------
    function __lodashWords(text) { return String(text || '').replace(/([a-z\d])([A-Z])/g, '$1 $2').split(/[^A-Za-z\d]+/).filter(Boolean); }
    _.words = __lodashWords;
    _.camelCase = function __lodashCamel(s) {
      return __lodashWords(s).map(function __lodashW(w, i) { w = w.toLowerCase(); return i ? w.charAt(0).toUpperCase() + w.slice(1) : w; }).join('');
    };
    _.kebabCase = function __lodashKebab(s) { return __lodashWords(s).map(function __lodashW(w) { return w.toLowerCase(); }).join('-'); };
    _.snakeCase = function __lodashSnake(s) { return __lodashWords(s).map(function __lodashW(w) { return w.toLowerCase(); }).join('_'); };
    _.startCase = function __lodashStart(s) { return __lodashWords(s).map(function __lodashW(w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join(' '); };
    _.capitalize = function __lodashCapitalize(s) { s = _.toString(s); return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(); };
    _.upperFirst = function __lodashUpperFirst(s) { s = _.toString(s); return s.charAt(0).toUpperCase() + s.slice(1); };
    _.lowerFirst = function __lodashLowerFirst(s) { s = _.toString(s); return s.charAt(0).toLowerCase() + s.slice(1); };
    _.toLower = function __lodashToLower(s) { return _.toString(s).toLowerCase(); };
    _.toUpper = function __lodashToUpper(s) { return _.toString(s).toUpperCase(); };
    _.trim = function __lodashTrim(s, chars) {
      s = _.toString(s);
      if (chars === undefined) return s.trim();
      var set = chars.split(''), a = 0, b = s.length;
      while (a < b && set.indexOf(s.charAt(a)) !== -1) a++;
      while (b > a && set.indexOf(s.charAt(b - 1)) !== -1) b--;
      return s.slice(a, b);
    };
    _.trimStart = function __lodashTrimStart(s) { return _.toString(s).replace(/^\s+/, ''); };
    _.trimEnd = function __lodashTrimEnd(s) { return _.toString(s).replace(/\s+$/, ''); };
    _.startsWith = function __lodashStartsWith(s, t, p) { return _.toString(s).startsWith(t, p); };
    _.endsWith = function __lodashEndsWith(s, t, p) { return _.toString(s).endsWith(t, p); };
    _.repeat = function __lodashRepeat(s, n) { return _.toString(s).repeat(Math.max(0, n === undefined ? 1 : n)); };
    _.padStart = function __lodashPadStart(s, n, c) { return _.toString(s).padStart(n, c === undefined ? ' ' : c); };
    _.padEnd = function __lodashPadEnd(s, n, c) { return _.toString(s).padEnd(n, c === undefined ? ' ' : c); };
    _.pad = function __lodashPad(s, n, c) {
      s = _.toString(s);
      var total = Math.max(0, n - s.length), left = Math.floor(total / 2);
      return _.padEnd(_.padStart(s, s.length + left, c), n, c);
    };
    _.split = function __lodashSplit(s, sep, limit) { return _.toString(s).split(sep, limit); };
    _.replace = function __lodashReplace(s, pattern, replacement) { return _.toString(s).replace(pattern, replacement); };
    _.escape = function __lodashEscape(s) {
      return _.toString(s).replace(/[&<>"']/g, function __lodashE(c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
    };
    _.escapeRegExp = function __lodashEscapeRe(s) { return _.toString(s).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'); };
    var idCounter = 0;
    _.uniqueId = function __lodashUniqueId(prefix) { idCounter += 1; return _.toString(prefix) + idCounter; };
    _.now = function __lodashNow() { return Date.now(); };

    // -- chaining: _(value).map(...).filter(...).value() -------------------------------------------
    function __lodashWrapper(value) {
      var wrapper = { value: function __lodashValue() { return value; } };
      wrapper.valueOf = wrapper.toJSON = wrapper.value;
      Object.keys(_).forEach(function __lodashChain(name) {
        if (typeof _[name] !== 'function' || name === 'chain') return;
        wrapper[name] = function __lodashChained() {
          var result = _[name].apply(_, [value].concat(Array.prototype.slice.call(arguments)));
          return __lodashWrapper(result);
        };
      });
      return wrapper;
    }
    var lodash = function __lodash(value) { return __lodashWrapper(value); };
    _.chain = function __lodashChainFn(value) { return __lodashWrapper(value); };
    Object.keys(_).forEach(function __lodashExport(name) { lodash[name] = _[name]; });
    return lodash;
  };
})(globalThis);
