// require('uuid') for rqrun's JavaScript scripts: written for rqrun, the calls collections make:
// v4() (random, RFC 4122 version and variant bits), v1()-shaped time ids, validate(), version(),
// parse()/stringify(), NIL. The module is also callable (old `require('uuid')()` scripts).
(function __uuidModule(global) {
  'use strict';
  var modules = global.__pmModules;
  if (!modules) {
    modules = {};
    Object.defineProperty(global, '__pmModules', { value: modules, writable: false, configurable: false, enumerable: false });
  }

  modules.uuid = function __uuidFactory() {
    var PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$|^0{8}-0{4}-0{4}-0{4}-0{12}$/i;
    function __uuidBytes(n) {
      var out = [];
      for (var i = 0; i < n; i++) out.push(Math.floor(Math.random() * 256));
      return out;
    }
    function __uuidText(bytes) {
      var hex = bytes.map(function __uuidHex(b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
      return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
    }
    function v4(options, buffer, offset) {
      var bytes = options && options.random ? options.random.slice(0, 16) : __uuidBytes(16);
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      if (buffer) { for (var i = 0; i < 16; i++) buffer[(offset || 0) + i] = bytes[i]; return buffer; }
      return __uuidText(bytes);
    }
    var clockSeq = null, node = null;
    function v1() {
      // 100 ns intervals since 1582-10-15, as RFC 4122 time-based ids count.
      var ticks = (Date.now() + 12219292800000) * 10000;
      var high = Math.floor(ticks / 0x100000000), low = ticks % 0x100000000;
      if (clockSeq === null) { var r = __uuidBytes(8); clockSeq = ((r[0] << 8) | r[1]) & 0x3fff; node = r.slice(2); node[0] |= 1; }
      var bytes = [(low >>> 24) & 255, (low >>> 16) & 255, (low >>> 8) & 255, low & 255,
        (high >>> 8) & 255, high & 255, ((high >>> 24) & 0x0f) | 0x10, (high >>> 16) & 255,
        (clockSeq >>> 8) | 0x80, clockSeq & 255].concat(node);
      return __uuidText(bytes);
    }
    function validate(text) { return typeof text === 'string' && PATTERN.test(text); }
    function version(text) {
      if (!validate(text)) throw new TypeError('Invalid UUID');
      return parseInt(text.charAt(14), 16);
    }
    function parse(text) {
      if (!validate(text)) throw new TypeError('Invalid UUID');
      var hex = text.replace(/-/g, ''), out = [];
      for (var i = 0; i < 32; i += 2) out.push(parseInt(hex.substr(i, 2), 16));
      return out;
    }
    function stringify(bytes, offset) { return __uuidText(Array.prototype.slice.call(bytes, offset || 0, (offset || 0) + 16)); }
    var uuid = function __uuid() { return v4(); };
    uuid.v4 = v4;
    uuid.v1 = v1;
    uuid.validate = validate;
    uuid.version = version;
    uuid.parse = parse;
    uuid.stringify = stringify;
    uuid.NIL = '00000000-0000-0000-0000-000000000000';
    return uuid;
  };
})(globalThis);
