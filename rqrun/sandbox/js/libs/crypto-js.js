// require('crypto-js') for rqrun's JavaScript scripts: written for rqrun (not CryptoJS's code),
// the subset request-signing scripts call: MD5/SHA1/SHA224/SHA256/SHA384/SHA512/RIPEMD160,
// Hmac* of each, algo.*.create()/HMAC.create() update/finalize, and the Hex/Base64/Base64url/
// Utf8/Latin1 encoders over WordArray-like values ({words, sigBytes}, toString(encoder)).
// Hashing is done by the host (Python's hashlib/hmac) through __host('crypto.digest'/'crypto.hmac'):
// faster than hashing in the interpreter, and the same bytes as Python's.
(function __cjsModule(global) {
  'use strict';
  var modules = global.__pmModules;
  if (!modules) {
    modules = {};
    Object.defineProperty(global, '__pmModules', { value: modules, writable: false, configurable: false, enumerable: false });
  }

  modules['crypto-js'] = function __cjsFactory() {
    var host = global.__host;
    var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

    // -- bytes <-> words, base64 -------------------------------------------------------------
    function __cjsBytesToWords(bytes) {
      var words = [];
      for (var i = 0; i < bytes.length; i++) words[i >>> 2] |= (bytes[i] & 0xff) << (24 - (i % 4) * 8);
      return words;
    }
    function __cjsWordsToBytes(words, sigBytes) {
      var bytes = new Array(sigBytes);
      for (var i = 0; i < sigBytes; i++) bytes[i] = (words[i >>> 2] >>> (24 - (i % 4) * 8)) & 0xff;
      return bytes;
    }
    function __cjsToBase64(bytes, alphabet, pad) {
      var out = '';
      for (var i = 0; i < bytes.length; i += 3) {
        var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
        out += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63);
        out += i + 1 < bytes.length ? alphabet.charAt((n >> 6) & 63) : pad;
        out += i + 2 < bytes.length ? alphabet.charAt(n & 63) : pad;
      }
      return out;
    }
    function __cjsFromBase64(text, alphabet) {
      var clean = String(text).replace(/[\s=]/g, ''), bytes = [], bits = 0, value = 0;
      for (var i = 0; i < clean.length; i++) {
        var index = alphabet.indexOf(clean.charAt(i));
        if (index < 0) continue;
        value = ((value << 6) | index) & 0xffffff;
        bits += 6;
        if (bits >= 8) { bits -= 8; bytes.push((value >> bits) & 0xff); }
      }
      return bytes;
    }
    function __cjsUtf8Bytes(text) {
      var bytes = [];
      for (var i = 0; i < text.length; i++) {
        var c = text.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
          var d = text.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
        }
        if (c < 0x80) bytes.push(c);
        else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return bytes;
    }
    function __cjsUtf8Text(bytes) {
      var out = '', i = 0;
      while (i < bytes.length) {
        var b = bytes[i], c, extra;
        if (b < 0x80) { c = b; extra = 0; } else if (b >= 0xc2 && b < 0xe0) { c = b & 31; extra = 1; }
        else if (b >= 0xe0 && b < 0xf0) { c = b & 15; extra = 2; } else if (b >= 0xf0 && b < 0xf5) { c = b & 7; extra = 3; }
        else throw new Error('Malformed UTF-8 data');
        if (i + extra >= bytes.length + (extra ? 0 : 1)) throw new Error('Malformed UTF-8 data');
        for (var k = 1; k <= extra; k++) {
          if ((bytes[i + k] & 0xc0) !== 0x80) throw new Error('Malformed UTF-8 data');
          c = (c << 6) | (bytes[i + k] & 63);
        }
        out += c > 0xffff ? String.fromCharCode(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 1023)) : String.fromCharCode(c);
        i += extra + 1;
      }
      return out;
    }

    // -- encoders --------------------------------------------------------------------------------
    var Hex = {
      stringify: function __cjsHexOut(wa) {
        return wa.__bytes().map(function __cjsHex(b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
      },
      parse: function __cjsHexIn(text) {
        var bytes = [];
        for (var i = 0; i + 1 < text.length; i += 2) bytes.push(parseInt(text.substr(i, 2), 16));
        return __cjsWordArray(bytes);
      }
    };
    var Latin1 = {
      stringify: function __cjsLatinOut(wa) { return wa.__bytes().map(function __cjsCh(b) { return String.fromCharCode(b); }).join(''); },
      parse: function __cjsLatinIn(text) {
        var bytes = [];
        for (var i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) & 0xff);
        return __cjsWordArray(bytes);
      }
    };
    var Utf8 = {
      stringify: function __cjsUtf8Out(wa) { return __cjsUtf8Text(wa.__bytes()); },
      parse: function __cjsUtf8In(text) { return __cjsWordArray(__cjsUtf8Bytes(String(text))); }
    };
    var Base64 = {
      stringify: function __cjsB64Out(wa) { return __cjsToBase64(wa.__bytes(), B64, '='); },
      parse: function __cjsB64In(text) { return __cjsWordArray(__cjsFromBase64(text, B64)); }
    };
    var URL_ALPHABET = B64.slice(0, 62) + '-_';
    var Base64url = {
      stringify: function __cjsB64uOut(wa, urlSafe) {
        return __cjsToBase64(wa.__bytes(), urlSafe === false ? B64 : URL_ALPHABET, urlSafe === false ? '=' : '');
      },
      parse: function __cjsB64uIn(text, urlSafe) { return __cjsWordArray(__cjsFromBase64(text, urlSafe === false ? B64 : URL_ALPHABET)); }
    };
    var Utf16 = {
      stringify: function __cjsU16Out(wa) {
        var b = wa.__bytes(), out = '';
        for (var i = 0; i + 1 < b.length; i += 2) out += String.fromCharCode((b[i] << 8) | b[i + 1]);
        return out;
      },
      parse: function __cjsU16In(text) {
        var bytes = [];
        for (var i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) >> 8, text.charCodeAt(i) & 0xff);
        return __cjsWordArray(bytes);
      }
    };

    // -- WordArray --------------------------------------------------------------------------------
    function WordArray(words, sigBytes) {
      this.words = words || [];
      this.sigBytes = sigBytes !== undefined ? sigBytes : this.words.length * 4;
    }
    WordArray.prototype.__bytes = function __cjsBytes() { return __cjsWordsToBytes(this.words, this.sigBytes); };
    WordArray.prototype.toString = function __cjsToString(encoder) { return (encoder || Hex).stringify(this); };
    WordArray.prototype.concat = function __cjsConcat(other) {
      var bytes = this.__bytes().concat(other.__bytes());
      this.words = __cjsBytesToWords(bytes);
      this.sigBytes = bytes.length;
      return this;
    };
    WordArray.prototype.clamp = function __cjsClamp() {
      this.words = __cjsBytesToWords(this.__bytes());
      return this;
    };
    WordArray.prototype.clone = function __cjsClone() { return new WordArray(this.words.slice(), this.sigBytes); };
    function __cjsWordArray(bytes) { return new WordArray(__cjsBytesToWords(bytes), bytes.length); }
    var WordArrayApi = {
      create: function __cjsCreate(words, sigBytes) {
        if (words instanceof ArrayBuffer) words = new Uint8Array(words);
        if (words && typeof words.length === 'number' && typeof words.BYTES_PER_ELEMENT === 'number') {
          return __cjsWordArray(Array.prototype.slice.call(new Uint8Array(words.buffer, words.byteOffset, words.byteLength)));
        }
        return new WordArray(words ? words.slice() : [], sigBytes);
      },
      random: function __cjsRandom(n) {
        var bytes = [];
        for (var i = 0; i < n; i++) bytes.push(Math.floor(Math.random() * 256));
        return __cjsWordArray(bytes);
      }
    };

    function __cjsInput(data) {
      if (data instanceof WordArray) return data;
      if (data === undefined || data === null) return __cjsWordArray([]);
      return Utf8.parse(String(data));
    }
    function __cjsHost(name, args) {
      var reply = JSON.parse(host(name, JSON.stringify(args)));
      if (!reply.ok) { var e = new Error(reply.error); if (reply.fatal) Object.defineProperty(e, '__rqFatal', { value: true }); throw e; }
      return Base64.parse(reply.value);
    }
    function __cjsDigest(alg, data) { return __cjsHost('crypto.digest', [alg, Base64.stringify(__cjsInput(data))]); }
    function __cjsHmac(alg, data, key) {
      return __cjsHost('crypto.hmac', [alg, Base64.stringify(__cjsInput(key)), Base64.stringify(__cjsInput(data))]);
    }

    // Incremental hashers: algo.SHA256.create().update(...).finalize(); algo.HMAC.create(algo.SHA256, key).
    function __cjsHasher(alg, key) {
      var parts = __cjsWordArray([]);
      var hasher = {
        update: function __cjsUpdate(data) { parts.concat(__cjsInput(data).clone()); return hasher; },
        finalize: function __cjsFinalize(data) {
          if (data !== undefined) hasher.update(data);
          var whole = parts;
          parts = __cjsWordArray([]);
          return key === undefined ? __cjsDigest(alg, whole) : __cjsHmac(alg, whole, key);
        },
        reset: function __cjsReset() { parts = __cjsWordArray([]); return hasher; }
      };
      return hasher;
    }
    var NAMES = { MD5: 'md5', SHA1: 'sha1', SHA224: 'sha224', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512', RIPEMD160: 'ripemd160' };
    var CryptoJS = {
      lib: { WordArray: WordArrayApi },
      enc: { Hex: Hex, Latin1: Latin1, Utf8: Utf8, Base64: Base64, Base64url: Base64url, Utf16: Utf16, Utf16BE: Utf16 },
      algo: {}
    };
    Object.keys(NAMES).forEach(function __cjsAlg(name) {
      var alg = NAMES[name];
      CryptoJS[name] = function __cjsHash(message) { return __cjsDigest(alg, message); };
      CryptoJS['Hmac' + name] = function __cjsHmacFn(message, key) { return __cjsHmac(alg, message, key); };
      CryptoJS.algo[name] = { __alg: alg, create: function __cjsAlgCreate() { return __cjsHasher(alg); } };
    });
    CryptoJS.algo.HMAC = {
      create: function __cjsHmacCreate(hasher, key) {
        if (!hasher || !hasher.__alg) throw new TypeError('CryptoJS.algo.HMAC.create expects CryptoJS.algo.SHA256 (or another hash)');
        return __cjsHasher(hasher.__alg, __cjsInput(key).clone());
      }
    };
    var missing = function __cjsMissing(name) {
      return function __cjsNotHere() { throw new Error('CryptoJS.' + name + ' is not available in rqrun scripts'); };
    };
    ['AES', 'DES', 'TripleDES', 'RC4', 'Rabbit'].forEach(function __cjsCipher(name) {
      CryptoJS[name] = { encrypt: missing(name + '.encrypt'), decrypt: missing(name + '.decrypt') };
    });
    CryptoJS.PBKDF2 = missing('PBKDF2');
    CryptoJS.SHA3 = missing('SHA3');
    return CryptoJS;
  };
})(globalThis);
