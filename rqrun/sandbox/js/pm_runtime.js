// Postman's `pm` and its legacy globals for rqrun's JavaScript scripts, on top of `rq`.
// Written for rqrun: the members real collections use (../shared/reference/postman_sandbox.md),
// each a thin layer over the `rq` object of rq_runtime.js, so every variable write, test, request
// change and sendRequest goes through the same host calls, checks and limits as Requestly's `rq`.
// Load order in a fresh context: chai.js, rq_runtime.js, libs/*.js (they register factories in
// __pmModules), then this file. Nothing here calls the host while loading (the context is
// prepared before its job exists): every member reads `rq` when a script first uses it.
// Scope mapping: pm.environment/globals/collectionVariables/iterationData are rq's scopes of the
// same names; pm.variables is rq.variables (the run/local scope: writes stay for the run, reads
// fall back through data row, environment, folders, collection and globals, Postman's order).
// After the user's script the worker calls __pmFinish(), which records the legacy tests["..."].
(function __pmRuntime(global) {
  'use strict';
  var rq = global.rq;
  var expect = global.__rqExpect;
  var chai = expect.chai;
  var define = Object.defineProperty, freeze = Object.freeze;
  var stringify = JSON.stringify;

  function __pmConstant(name, value) {
    define(global, name, { value: value, writable: false, configurable: false, enumerable: false });
  }
  function __pmLazy(target, name, make) {
    var made = false, value;
    define(target, name, {
      enumerable: true, configurable: true,
      get: function __pmLazyGet() { if (!made) { value = make(); made = true; } return value; },
      set: function __pmLazySet(v) { value = v; made = true; }
    });
  }
  function __pmText(value) {
    if (typeof value === 'string') return value;
    if (value === undefined || value === null) return '';
    if (typeof value === 'object') return stringify(value);
    return String(value);
  }

  // -- variables ------------------------------------------------------------------------------
  var PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
  function __pmReplaceIn(template, lookup) {
    if (typeof template !== 'string') return template;
    var depth = 0, text = template, before;
    do { // composite values render in turn, bounded as in rqrun's renderer
      before = text;
      text = text.replace(PLACEHOLDER, function __pmSub(whole, name) {
        if (name.charAt(0) === '$') {
          try { return String(rq.dynamic(name)); } catch (e) { return whole; }
        }
        var value = lookup(name);
        return value === undefined || value === null ? whole : __pmText(value);
      });
    } while (text !== before && ++depth < 32 && text.indexOf('{{') !== -1);
    return text;
  }
  function __pmScope(scope, readonly, label) {
    var api = {
      get: function __pmGet(key) { var v = scope.get(key); return v === null ? undefined : v; },
      has: function __pmHas(key) { return scope.has(key); },
      toObject: function __pmToObject() { return scope.toObject(); },
      toJSON: function __pmToJSON() { return scope.toObject(); },
      replaceIn: function __pmScopeReplace(template) {
        return __pmReplaceIn(template, function __pmLookup(name) { return api.get(name); });
      }
    };
    if (!readonly) {
      api.set = function __pmSet(key, value) { scope.set(key, value === undefined ? null : value); };
      api.unset = function __pmUnset(key) { scope.unset(key); };
      api.clear = function __pmClear() { scope.clear(); };
    } else {
      api.set = api.unset = api.clear = function __pmReadOnly() { throw new TypeError('pm.' + label + ' is read-only'); };
    }
    return freeze(api);
  }

  // -- header / parameter lists (Postman's PropertyList subset) -------------------------------------
  function __pmList(list, what) {
    var rows = function __pmRows() { return list.all(); };
    var api = {
      get: function __pmListGet(name) { return list.get(name); },
      has: function __pmListHas(name, value) {
        if (name && typeof name === 'object') name = name.key;
        if (value === undefined) return list.has(name);
        return list.get(name) === value;
      },
      one: function __pmListOne(name) {
        var lower = String(name).toLowerCase();
        return rows().filter(function __pmIs(r) { return String(r.key).toLowerCase() === lower; })[0];
      },
      all: function __pmListAll() { return rows(); },
      toObject: function __pmListObject(excludeDisabled, caseSensitive) {
        var out = {};
        rows().forEach(function __pmRow(r) { out[caseSensitive === false ? String(r.key).toLowerCase() : r.key] = r.value; });
        return out;
      },
      toJSON: function __pmListJSON() { return rows(); },
      count: function __pmListCount() { return rows().length; },
      idx: function __pmListIdx(i) { return rows()[i]; },
      each: function __pmListEach(fn, ctx) { rows().forEach(function __pmEach(r) { fn.call(ctx, r); }); },
      map: function __pmListMap(fn, ctx) { return rows().map(function __pmMap(r) { return fn.call(ctx, r); }); },
      filter: function __pmListFilter(fn, ctx) { return rows().filter(function __pmF(r) { return fn.call(ctx, r); }); },
      find: function __pmListFind(fn, ctx) { return rows().filter(function __pmF(r) { return fn.call(ctx, r); })[0]; },
      reduce: function __pmListReduce(fn, acc, ctx) { return rows().reduce(function __pmR(a, r) { return fn.call(ctx, a, r); }, acc); },
      toString: function __pmListString() {
        return rows().map(function __pmPair(r) { return what === 'query' ? r.key + '=' + r.value : r.key + ': ' + r.value; })
          .join(what === 'query' ? '&' : '\n');
      },
      add: function __pmListAdd(item, value) { list.add(__pmRowKey(item, value), __pmRowValue(item, value)); },
      append: function __pmListAppend(item, value) { api.add(item, value); },
      upsert: function __pmListUpsert(item, value) { list.upsert(__pmRowKey(item, value), __pmRowValue(item, value)); },
      remove: function __pmListRemove(item) {
        if (typeof item === 'function') {
          rows().filter(function __pmR(r) { return item(r); }).forEach(function __pmDel(r) { list.remove(r.key); });
          return;
        }
        list.remove(item && typeof item === 'object' ? item.key : item);
      },
      clear: function __pmListClear() { rows().forEach(function __pmDel(r) { list.remove(r.key); }); },
      populate: function __pmListPopulate(items) { (items || []).forEach(function __pmAdd(r) { api.add(r); }); },
      repopulate: function __pmListRepopulate(items) { api.clear(); api.populate(items); }
    };
    define(api, 'members', { enumerable: false, get: rows });
    return freeze(api);
  }
  function __pmRowKey(item, value) {
    if (item && typeof item === 'object') return item.key;
    if (typeof item === 'string' && value === undefined && item.indexOf(':') > 0) return item.slice(0, item.indexOf(':')).trim();
    return item;
  }
  function __pmRowValue(item, value) {
    if (item && typeof item === 'object') return __pmText(item.value);
    if (typeof item === 'string' && value === undefined && item.indexOf(':') > 0) return item.slice(item.indexOf(':') + 1).trim();
    return __pmText(value);
  }

  // -- pm.request --------------------------------------------------------------------------
  function __pmSplitUrl(raw) {
    var m = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?(?:([^@\/?#]*)@)?([^\/?#:]*)(?::(\d+|\{\{[^}]*\}\}))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(raw) || [];
    return { protocol: m[1], auth: m[2], host: m[3] || '', port: m[4], path: m[5] || '', query: m[6], hash: m[7] };
  }
  function __pmUrl(request) {
    var queryList = __pmList(request.queryParams, 'query');
    var parts = function __pmParts() { return __pmSplitUrl(request.url); };
    var queryString = function __pmQueryString() {
      var fromUrl = parts().query;
      var own = queryList.toString();
      return [fromUrl, own].filter(function __pmNonEmpty(q) { return q; }).join('&');
    };
    var url = {
      toString: function __pmUrlString(forceProtocol) {
        var raw = request.url, q = queryList.toString();
        if (q && raw.indexOf('?') === -1) raw += '?' + q;
        if (forceProtocol && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw)) raw = 'http://' + raw;
        return raw;
      },
      getHost: function __pmGetHost() { return parts().host; },
      getPath: function __pmGetPath(unresolved) { return parts().path || '/'; },
      getPathWithQuery: function __pmPathQuery() { var q = queryString(); return (parts().path || '/') + (q ? '?' + q : ''); },
      getQueryString: function __pmGetQuery() { return queryString(); },
      getRemote: function __pmRemote() { var p = parts(); return p.host + (p.port ? ':' + p.port : ''); },
      getRaw: function __pmRaw() { return url.toString(); },
      update: function __pmUpdate(value) { request.url = typeof value === 'string' ? value : String(value); },
      addQueryParams: function __pmAddQuery(params) {
        (typeof params === 'string' ? params.split('&').map(function __pmKv(p) {
          var i = p.indexOf('='); return i < 0 ? { key: p, value: '' } : { key: p.slice(0, i), value: p.slice(i + 1) };
        }) : [].concat(params)).forEach(function __pmAddOne(p) { queryList.add(p); });
      },
      removeQueryParams: function __pmRemoveQuery(names) { [].concat(names).forEach(function __pmDel(n) { queryList.remove(n); }); },
      toJSON: function __pmUrlJSON() { return url.toString(); }
    };
    define(url, 'query', { enumerable: true, value: queryList });
    define(url, 'protocol', { enumerable: true, get: function __pmProto() { return parts().protocol; } });
    define(url, 'port', { enumerable: true, get: function __pmPort() { return parts().port; } });
    define(url, 'host', { enumerable: true, get: function __pmHostParts() { var h = parts().host; return h ? h.split('.') : []; } });
    define(url, 'path', { enumerable: true, get: function __pmPathParts() {
      return parts().path.split('/').filter(function __pmSeg(s, i, all) { return i > 0 || s; });
    } });
    define(url, 'hash', { enumerable: true, get: function __pmHash() { return parts().hash; } });
    define(url, 'raw', { enumerable: false, get: function __pmRawGet() { return url.toString(); } });
    return freeze(url);
  }
  function __pmBody(request) {
    var body = {
      toString: function __pmBodyString() {
        var b = request.body;
        if (typeof b === 'string') return b;
        if (Array.isArray(b)) return b.map(function __pmKv(r) { return encodeURIComponent(r.key) + '=' + encodeURIComponent(r.value); }).join('&');
        return '';
      },
      isEmpty: function __pmBodyEmpty() { var b = request.body; return b === null || b === undefined || b === '' || (Array.isArray(b) && !b.length); },
      update: function __pmBodyUpdate(value) {
        if (typeof value === 'string') { request.body = value; return; }
        if (value && typeof value === 'object') {
          if (value.mode === 'raw') request.body = __pmText(value.raw);
          else if (value.mode === 'urlencoded') request.body = (value.urlencoded || []).map(function __pmRow(r) { return { key: r.key, value: __pmText(r.value) }; });
          else if (value.mode === 'graphql' && value.graphql) request.body = stringify(value.graphql);
          else request.body = stringify(value);
        }
      },
      toJSON: function __pmBodyJSON() { var mode = body.mode, out = { mode: mode }; out[mode] = request.body; return out; }
    };
    define(body, 'mode', { enumerable: true, get: function __pmMode() { return request.bodyMode; } });
    define(body, 'raw', {
      enumerable: true,
      get: function __pmBodyRaw() { var b = request.body; return typeof b === 'string' ? b : undefined; },
      set: function __pmBodyRawSet(v) { request.body = __pmText(v); }
    });
    ['urlencoded', 'formdata'].forEach(function __pmFormMode(mode) {
      define(body, mode, { enumerable: true, get: function __pmForm() {
        if (request.bodyMode !== mode) return undefined;
        return __pmFormList(request);
      } });
    });
    define(body, 'graphql', { enumerable: true, get: function __pmGql() {
      if (request.bodyMode !== 'graphql') return undefined;
      try { return JSON.parse(request.body); } catch (e) { return { query: request.body }; }
    } });
    return body;
  }
  // A form body's rows, changed by writing the whole list back (rq's body setter).
  function __pmFormList(request) {
    var read = function __pmFormRows() { var b = request.body; return Array.isArray(b) ? b.slice() : []; };
    var write = function __pmFormWrite(rows) { request.body = rows; };
    var same = function __pmSameKey(a, b) { return a === b; };
    return __pmList({
      all: read,
      get: function __pmFormGet(k) { var r = read().filter(function __pmF(x) { return same(x.key, k); })[0]; return r ? r.value : undefined; },
      has: function __pmFormHas(k) { return read().some(function __pmF(x) { return same(x.key, k); }); },
      add: function __pmFormAdd(k, v) { var rows = read(); rows.push({ key: k, value: v }); write(rows); },
      upsert: function __pmFormUpsert(k, v) {
        var rows = read(), hit = false;
        rows.forEach(function __pmU(x) { if (same(x.key, k)) { x.value = v; hit = true; } });
        if (!hit) rows.push({ key: k, value: v });
        write(rows);
      },
      remove: function __pmFormRemove(k) { write(read().filter(function __pmF(x) { return !same(x.key, k); })); }
    }, 'form');
  }
  function __pmRequest() {
    var request = rq.request;
    var pmRequest = {
      addHeader: function __pmAddHeader(h, v) { headers.add(h, v); },
      removeHeader: function __pmRemoveHeader(h) { headers.remove(h); },
      upsertHeader: function __pmUpsertHeader(h, v) { headers.upsert(h, v); },
      getHeaders: function __pmGetHeaders() { return headers.toObject(); },
      addQueryParams: function __pmReqQuery(p) { url.addQueryParams(p); },
      removeQueryParams: function __pmReqRmQuery(p) { url.removeQueryParams(p); },
      toJSON: function __pmReqJSON() {
        return { id: request.id, name: request.name, method: request.method, url: url.toString(), header: headers.all(), body: body.toJSON() };
      }
    };
    var headers = __pmList(request.headers, 'header');
    var url = __pmUrl(request);
    var body = __pmBody(request);
    define(pmRequest, 'id', { enumerable: true, get: function __pmId() { return request.id; } });
    define(pmRequest, 'name', { enumerable: true, get: function __pmName() { return request.name; } });
    define(pmRequest, 'method', {
      enumerable: true, get: function __pmMethod() { return request.method; },
      set: function __pmSetMethod(v) { request.method = v; }
    });
    define(pmRequest, 'url', {
      enumerable: true, get: function __pmGetUrl() { return url; },
      set: function __pmSetUrl(v) { request.url = typeof v === 'string' ? v : v && v.raw ? v.raw : String(v); }
    });
    define(pmRequest, 'headers', { enumerable: true, value: headers });
    define(pmRequest, 'body', {
      enumerable: true, get: function __pmGetBody() { return request.bodyMode === 'none' && request.body == null ? body : body; },
      set: function __pmSetBody(v) { if (v === null || v === undefined) request.body = null; else body.update(v); }
    });
    define(pmRequest, 'auth', { enumerable: true, value: undefined });
    return pmRequest;
  }

  // -- responses -----------------------------------------------------------------------------
  var RESPONSE = typeof Symbol === 'function' ? Symbol('pmResponse') : '__pmResponse';
  function __pmUtf8Length(text) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 0x80) n += 1; else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
    }
    return n;
  }
  function __pmResponse(res) {
    var headers = __pmList(res.headers, 'header');
    var body = res.body === null || res.body === undefined ? '' : String(res.body);
    var json = function __pmJson(filter, reviver) {
      try { return JSON.parse(body); } catch (e) { throw new SyntaxError('JSONError: ' + String(e.message || e)); }
    };
    var response = {
      code: res.code, status: res.status, responseTime: res.responseTime, responseSize: __pmUtf8Length(body),
      headers: headers,
      json: json,
      text: function __pmResponseText() { return body; },
      reason: function __pmReason() { return res.status; },
      size: function __pmSize() { return { body: __pmUtf8Length(body), header: 0, total: __pmUtf8Length(body) }; },
      dataURI: function __pmDataURI() {
        return 'data:' + (headers.get('Content-Type') || 'text/plain') + ';base64,' + global.btoa(unescape(encodeURIComponent(body)));
      },
      toJSON: function __pmRespJSON() { return { code: res.code, status: res.status, header: headers.all(), body: body, responseTime: res.responseTime }; }
    };
    define(response, 'stream', { enumerable: false, get: function __pmStream() { return body; } });
    define(response, 'cookies', { enumerable: false, get: function __pmRespCookies() { return __pmCookies(headers); } });
    define(response, RESPONSE, { value: true });
    define(response, 'to', { get: function __pmTo() { return expect(response).to; } });
    define(response, 'not', { get: function __pmNot() { return expect(response).not; } });
    return freeze(response);
  }

  // Response assertions (Postman's chai plugin): only for responses; other values keep Chai's meaning.
  var STATUS_CODES = { ok: 200, accepted: 202, withoutContent: 204, badRequest: 400, unauthorized: 401,
    forbidden: 403, notFound: 404, notAcceptable: 406, rateLimited: 429 };
  var STATUS_CLASSES = { info: 1, success: 2, redirection: 3, clientError: 4, serverError: 5 };
  var isResponse = function __pmIsResponse(obj) { return !!(obj && obj[RESPONSE]); };
  function __pmAssertStatus(a, code) {
    var res = a._obj;
    if (typeof code === 'string') {
      a.assert(res.status === code, 'expected response to have status reason #{exp} but got #{act}',
        'expected response to not have status reason #{act}', code, res.status);
    } else {
      a.assert(res.code === code, 'expected response to have status code #{exp} but got #{act}',
        'expected response to not have status code #{act}', code, res.code);
    }
  }
  Object.keys(STATUS_CODES).forEach(function __pmCodeProp(name) {
    chai.overwriteProperty(name, function __pmCodeGet(original) {
      if (!isResponse(this._obj)) { if (original) return original.call(this); throw new TypeError('.' + name + ' is for responses'); }
      __pmAssertStatus(this, STATUS_CODES[name]);
    });
  });
  Object.keys(STATUS_CLASSES).forEach(function __pmClassProp(name) {
    chai.addProperty(name, function __pmClassGet() {
      var cls = STATUS_CLASSES[name], code = this._obj && this._obj.code;
      this.assert(Math.floor(code / 100) === cls, 'expected response code to be ' + cls + 'XX but found #{act}',
        'expected response code to not be ' + cls + 'XX but found #{act}', cls + 'XX', code);
    });
  });
  chai.overwriteProperty('error', function __pmErrorGet() {
    var code = this._obj && this._obj.code, cls = Math.floor(code / 100);
    this.assert(cls === 4 || cls === 5, 'expected response code to be 4XX or 5XX but found #{act}',
      'expected response code to not be 4XX or 5XX but found #{act}', '4XX or 5XX', code);
  });
  chai.addMethod('status', function __pmStatus(code) {
    if (!isResponse(this._obj)) throw new TypeError('.status() is for responses (pm.response)');
    __pmAssertStatus(this, code);
  });
  chai.addMethod('header', function __pmHeader(name, value) {
    var res = this._obj;
    if (!isResponse(res)) throw new TypeError('.header() is for responses (pm.response)');
    var has = res.headers.has(name);
    if (arguments.length < 2) {
      this.assert(has, "expected response to have header with key '" + name + "'", "expected response to not have header with key '" + name + "'", name, undefined);
      return;
    }
    var actual = res.headers.get(name);
    this.assert(has && actual === value, "expected '" + name + "' response header to be #{exp} but got #{act}",
      "expected '" + name + "' response header to not be #{act}", value, actual);
  });
  chai.addMethod('body', function __pmBodyAssert(expected) {
    var res = this._obj;
    if (!isResponse(res)) throw new TypeError('.body() is for responses (pm.response)');
    var text = res.text();
    if (arguments.length === 0) {
      this.assert(text.length > 0, 'expected response to have content in body', 'expected response to not have content in body', undefined, text);
    } else if (expected instanceof RegExp) {
      this.assert(expected.test(text), 'expected response body text to match #{exp} but got #{act}',
        'expected response body text to not match #{exp}', expected, text);
    } else if (typeof expected === 'string') {
      this.assert(text === expected, 'expected response body to equal #{exp} but got #{act}',
        'expected response body to not equal #{exp}', expected, text);
    } else {
      var parsed; try { parsed = JSON.parse(text); } catch (e) { parsed = undefined; }
      this.assert(chai.deepEqual(parsed, expected), 'expected response body json to equal #{exp} but got #{act}',
        'expected response body json to not equal #{exp}', expected, parsed);
    }
  });
  chai.addMethod('jsonBody', function __pmJsonBody(path, value) {
    var res = this._obj;
    if (!isResponse(res)) throw new TypeError('.jsonBody() is for responses (pm.response)');
    var parsed, error = null;
    try { parsed = JSON.parse(res.text()); } catch (e) { error = e; }
    if (arguments.length === 0) {
      this.assert(!error, 'expected response body to be a valid json but got error #{act}',
        'expected response body not to be a valid json', undefined, error && String(error.message));
      return;
    }
    if (error) {
      this.assert(false, 'expected response body to be a valid json but got error #{act}', 'expected response body not to be a valid json', undefined, String(error.message));
      return;
    }
    if (typeof path === 'object' && path !== null) {
      this.assert(chai.deepEqual(parsed, path), 'expected response body json to equal #{exp} but got #{act}',
        'expected response body json to not equal #{exp}', path, parsed);
      return;
    }
    var info = chai.pathInfo(parsed, path);
    if (arguments.length === 1) {
      this.assert(info.exists, "expected #{act} to have property '" + path + "'", "expected #{act} to not have property '" + path + "'", path, parsed);
    } else {
      this.assert(info.exists && chai.deepEqual(info.value, value), "expected response body json at '" + path + "' to contain #{exp} but got #{act}",
        "expected response body json at '" + path + "' to not contain #{exp}", value, info.value);
    }
  });
  ['json', 'html', 'xml', 'withBody'].forEach(function __pmKind(kind) {
    chai.addProperty(kind, function __pmKindGet() {
      var res = this._obj;
      if (!isResponse(res)) throw new TypeError('.' + kind + ' is for responses (pm.response)');
      var text = res.text(), type = String(res.headers.get('Content-Type') || '').toLowerCase(), ok;
      if (kind === 'withBody') ok = text.length > 0;
      else if (kind === 'json') { try { JSON.parse(text); ok = true; } catch (e) { ok = false; } }
      else ok = type.indexOf(kind) !== -1;
      var label = kind === 'withBody' ? 'to have content in body' : 'to be ' + kind;
      this.assert(ok, 'expected response ' + label, 'expected response not ' + label.replace(/^to /, 'to '));
    });
  });
  chai.addMethod('responseTime', function __pmRespTime(limit) {
    this.assert(this._obj.responseTime <= limit, 'expected response time to be at most #{exp} but got #{act}', 'expected response time to be above #{exp}', limit, this._obj.responseTime);
  });

  // -- cookies (from the response's Set-Cookie headers) ---------------------------------------
  function __pmCookies(headers) {
    var parse = function __pmCookieRows() {
      var out = [];
      headers.all().forEach(function __pmCookieRow(r) {
        if (String(r.key).toLowerCase() !== 'set-cookie') return;
        var first = String(r.value).split(';')[0], i = first.indexOf('=');
        if (i > 0) out.push({ name: first.slice(0, i).trim(), value: first.slice(i + 1).trim(), key: first.slice(0, i).trim() });
      });
      return out;
    };
    var find = function __pmCookieFind(name) {
      var rows = parse().filter(function __pmC(c) { return c.name === name; });
      return rows.length ? rows[rows.length - 1] : undefined;
    };
    return freeze({
      get: function __pmCookieGet(name) { var c = find(name); return c ? c.value : undefined; },
      has: function __pmCookieHas(name) { return find(name) !== undefined; },
      one: function __pmCookieOne(name) { return find(name); },
      all: function __pmCookieAll() { return parse(); },
      count: function __pmCookieCount() { return parse().length; },
      each: function __pmCookieEach(fn) { parse().forEach(function __pmE(c) { fn(c); }); },
      toObject: function __pmCookieObject() {
        var out = {}; parse().forEach(function __pmO(c) { out[c.name] = c.value; }); return out;
      },
      jar: function __pmJar() { throw new TypeError('pm.cookies.jar() is not available in rqrun'); }
    });
  }

  // -- sendRequest -------------------------------------------------------------------------------
  function __pmRequestSpec(req) {
    if (typeof req === 'string') return { url: req, method: 'GET' };
    if (!req || typeof req !== 'object') throw new TypeError('pm.sendRequest expects a URL or a request object');
    if (typeof req.toJSON === 'function' && req.url && typeof req.url === 'object' && typeof req.url.toString === 'function') req = req.toJSON();
    var url = req.url;
    if (url && typeof url === 'object') url = url.raw !== undefined ? url.raw : String(url);
    var spec = { url: String(url || ''), method: String(req.method || 'GET').toUpperCase() };
    var header = req.header !== undefined ? req.header : req.headers;
    if (typeof header === 'string') {
      header = header.split('\n').filter(function __pmLine(l) { return l.indexOf(':') > 0; })
        .map(function __pmH(l) { var i = l.indexOf(':'); return { key: l.slice(0, i).trim(), value: l.slice(i + 1).trim() }; });
    }
    if (Array.isArray(header)) {
      spec.header = header.filter(function __pmOn(h) { return h && !h.disabled; })
        .map(function __pmHv(h) { return { key: String(h.key), value: __pmText(h.value) }; });
    } else if (header && typeof header === 'object') {
      spec.header = {};
      Object.keys(header).forEach(function __pmHk(k) { spec.header[k] = __pmText(header[k]); });
    }
    var body = req.body;
    if (body && typeof body === 'object' && body.mode) {
      var rows = function __pmBodyRows(list) {
        return (list || []).filter(function __pmOn(r) { return r && !r.disabled && r.type !== 'file'; })
          .map(function __pmR(r) { return { key: String(r.key), value: __pmText(r.value) }; });
      };
      if (body.mode === 'raw') spec.body = { mode: 'raw', raw: __pmText(body.raw) };
      else if (body.mode === 'urlencoded') spec.body = { mode: 'urlencoded', urlencoded: rows(body.urlencoded) };
      else if (body.mode === 'formdata') spec.body = { mode: 'formdata', formdata: rows(body.formdata) };
      else if (body.mode === 'graphql') {
        var gql = body.graphql || {};
        var variables = gql.variables;
        if (typeof variables === 'string') { try { variables = JSON.parse(variables || '{}'); } catch (e) { variables = {}; } }
        spec.body = { mode: 'raw', raw: stringify({ query: gql.query, variables: variables || {} }) };
      }
    } else if (typeof body === 'string') {
      spec.body = { mode: 'raw', raw: body };
    }
    return spec;
  }
  function __pmSendRequest(req, callback) {
    var spec = __pmRequestSpec(req), res;
    try {
      res = __pmResponse(rq.sendRequest(spec));
    } catch (error) {
      if (error && error.__rqFatal) throw error;
      if (typeof callback === 'function') { callback(error, null, null); return undefined; }
      return Promise.reject(error);
    }
    if (typeof callback === 'function') {
      callback(null, res, { cookies: __pmCookies(res.headers) });
      return undefined;
    }
    return Promise.resolve(res);
  }

  // -- tests --------------------------------------------------------------------------------
  // Postman fails a test only when its function throws (a returned false passes); a function that
  // takes `done` fails when it is called with an error.
  function __pmTest(name, fn) {
    if (typeof fn !== 'function') {
      rq.test.skip(String(name));
      return pm;
    }
    rq.test(String(name), function __pmTestBody() {
      if (fn.length > 0) {
        var failure = null;
        fn(function __pmDone(err) { if (err) failure = err; });
        if (failure) throw failure;
        return undefined;
      }
      fn();
      return undefined;
    });
    return pm;
  }
  __pmTest.skip = function __pmTestSkip(name) { rq.test.skip(String(name)); return pm; };
  __pmTest.index = function __pmTestIndex() { return 0; };

  // -- pm ------------------------------------------------------------------------------------
  var pm = {
    environment: __pmScope(rq.environment, false, 'environment'),
    globals: __pmScope(rq.globals, false, 'globals'),
    collectionVariables: __pmScope(rq.collectionVariables, false, 'collectionVariables'),
    variables: __pmScope(rq.variables, false, 'variables'),
    iterationData: __pmScope(rq.iterationData, true, 'iterationData'),
    test: __pmTest,
    expect: function __pmExpect(value, message) { return expect(value, message); },
    sendRequest: __pmSendRequest,
    execution: freeze({
      setNextRequest: function __pmSetNext(target) { rq.execution.setNextRequest(target === undefined ? null : target); },
      skipRequest: function __pmSkip() { rq.execution.skipRequest(); },
      location: freeze([])
    }),
    visualizer: freeze({ set: function __pmVisualize() {}, clear: function __pmVisualClear() {} }),
    require: function __pmRequireFn(name) { return __pmRequire(name); }
  };
  var responseCache = {};
  var __pmCurrentResponse = function __pmCurrentResponse() {
    if (!('value' in responseCache)) {
      var res = rq.response;
      responseCache.value = res ? __pmResponse(res) : undefined;
    }
    return responseCache.value;
  };
  __pmLazy(pm, 'request', __pmRequest);
  define(pm, 'response', { enumerable: true, get: __pmCurrentResponse });
  __pmLazy(pm, 'info', function __pmInfo() {
    var info = rq.info;
    return freeze({
      eventName: info.eventName === 'prerequest' ? 'prerequest' : 'test',
      iteration: info.iteration, iterationCount: info.iterationCount,
      requestName: info.requestName, requestId: info.requestId
    });
  });
  __pmLazy(pm, 'cookies', function __pmCookiesGet() {
    var res = __pmCurrentResponse();
    return __pmCookies(res ? res.headers : __pmList({ all: function __pmNone() { return []; } }, 'header'));
  });
  freeze(pm.execution);

  // -- require -----------------------------------------------------------------------------------
  var loaded = {};
  var ALIASES = { 'crypto-js': 'crypto-js', cryptojs: 'crypto-js', lodash: 'lodash', moment: 'moment', uuid: 'uuid' };
  function __pmRequire(name) {
    if (typeof name !== 'string') throw new TypeError('require expects a module name');
    if (name === 'chai') return { expect: expect, AssertionError: chai.AssertionError };
    if (name === 'atob') return global.atob;
    if (name === 'btoa') return global.btoa;
    var key = ALIASES[name];
    var factories = global.__pmModules || {};
    if (!key || typeof factories[key] !== 'function') {
      var error = new Error("Cannot find module '" + name + "'");
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    }
    if (!(key in loaded)) loaded[key] = factories[key](__pmRequire);
    return loaded[key];
  }

  // -- legacy globals (Postman's old sandbox) -------------------------------------------------------
  var tests = {};
  var postman = freeze({
    setEnvironmentVariable: function __pmSetEnv(k, v) { rq.environment.set(k, v === undefined ? null : v); },
    getEnvironmentVariable: function __pmGetEnv(k) { return pm.environment.get(k); },
    clearEnvironmentVariable: function __pmClearEnv(k) { rq.environment.unset(k); },
    clearEnvironmentVariables: function __pmClearEnvs() { rq.environment.clear(); },
    setGlobalVariable: function __pmSetGlobal(k, v) { rq.globals.set(k, v === undefined ? null : v); },
    getGlobalVariable: function __pmGetGlobal(k) { return pm.globals.get(k); },
    clearGlobalVariable: function __pmClearGlobal(k) { rq.globals.unset(k); },
    clearGlobalVariables: function __pmClearGlobals() { rq.globals.clear(); },
    setNextRequest: function __pmLegacyNext(target) { rq.execution.setNextRequest(target === undefined ? null : target); },
    getResponseHeader: function __pmGetHeader(name) { var r = __pmCurrentResponse(); return r ? r.headers.get(name) : undefined; },
    getResponseCookie: function __pmGetCookie(name) {
      var r = __pmCurrentResponse();
      return r ? __pmCookies(r.headers).one(name) : undefined;
    }
  });

  // Record tests["name"] = value once the script is over (a name set twice counts once, last value).
  function __pmFinish() {
    var current = global.tests;
    if (!current || typeof current !== 'object') return;
    var names = Object.keys(current);
    for (var i = 0; i < names.length; i++) {
      var value = current[names[i]];
      delete current[names[i]];
      rq.test(names[i], !!value);
    }
  }

  __pmConstant('pm', freeze(pm));
  __pmConstant('postman', postman);
  __pmConstant('require', __pmRequire);
  __pmConstant('__pmFinish', __pmFinish);
  define(global, 'tests', { value: tests, writable: true, configurable: false, enumerable: false });
  // Postman runs each script with these set; they are read from `rq` on first use.
  var legacy = {
    responseBody: function __pmLBody() { var r = __pmCurrentResponse(); return r ? r.text() : undefined; },
    responseCode: function __pmLCode() {
      var r = __pmCurrentResponse();
      return r ? { code: r.code, name: r.status, detail: r.status } : undefined;
    },
    responseHeaders: function __pmLHeaders() { var r = __pmCurrentResponse(); return r ? r.headers.toObject() : undefined; },
    responseTime: function __pmLTime() { var r = __pmCurrentResponse(); return r ? r.responseTime : undefined; },
    responseCookies: function __pmLCookies() { var r = __pmCurrentResponse(); return r ? __pmCookies(r.headers).all() : []; },
    request: function __pmLRequest() {
      var r = rq.request, body = r.body, data;
      if (Array.isArray(body)) { data = {}; body.forEach(function __pmD(row) { data[row.key] = row.value; }); } else data = body || '';
      return { id: r.id, name: r.name, description: '', url: pm.request.url.toString(), method: r.method,
        headers: pm.request.headers.toObject(), data: data };
    },
    iteration: function __pmLIteration() { return rq.info.iteration; },
    environment: function __pmLEnv() { return rq.environment.toObject(); },
    globals: function __pmLGlobals() { return rq.globals.toObject(); },
    data: function __pmLData() { return rq.iterationData.toObject(); },
    CryptoJS: function __pmLCrypto() { return __pmRequire('crypto-js'); },
    _: function __pmLLodash() { return __pmRequire('lodash'); }
  };
  Object.keys(legacy).forEach(function __pmLegacy(name) { __pmLazy(global, name, legacy[name]); });
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  if (typeof global.btoa !== 'function') __pmConstant('btoa', function __pmBtoa(input) {
    var text = String(input), out = '';
    for (var i = 0; i < text.length; i += 3) {
      var a = text.charCodeAt(i), b = text.charCodeAt(i + 1), c = text.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw new Error('btoa: the string has characters outside Latin-1');
      var n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) +
        (i + 1 < text.length ? B64.charAt((n >> 6) & 63) : '=') + (i + 2 < text.length ? B64.charAt(n & 63) : '=');
    }
    return out;
  });
  if (typeof global.atob !== 'function') __pmConstant('atob', function __pmAtob(input) {
    var text = String(input).replace(/[\t\n\f\r ]/g, '').replace(/={1,2}$/, ''), out = '', bits = 0, value = 0;
    if (text.length % 4 === 1 || /[^A-Za-z0-9+\/]/.test(text)) throw new Error('atob: the string is not valid base64');
    for (var i = 0; i < text.length; i++) {
      value = ((value << 6) | B64.indexOf(text.charAt(i))) & 0xffffff;
      bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((value >> bits) & 255); }
    }
    return out;
  });
  // Legacy tests are also recorded when the worker drains timers after the script (last of all).
  if (typeof global.setTimeout === 'function') global.setTimeout(__pmFinish, Infinity);
})(globalThis);
