// require('moment') for rqrun's JavaScript scripts: written for rqrun (not Moment's code), the
// subset collections call to build dates for requests: moment()/moment(value[, format])/
// moment.utc()/moment.unix(), format() with the common tokens, add/subtract, startOf/endOf,
// diff, comparisons, getters/setters, toISOString/unix/valueOf, utc()/local(), no locales
// (English names, as Postman's sandbox ships moment without locales).
(function __momentModule(global) {
  'use strict';
  var modules = global.__pmModules;
  if (!modules) {
    modules = {};
    Object.defineProperty(global, '__pmModules', { value: modules, writable: false, configurable: false, enumerable: false });
  }

  modules.moment = function __momentFactory() {
    var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    var DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    var UNITS = { y: 'year', year: 'year', years: 'year', M: 'month', month: 'month', months: 'month',
      Q: 'quarter', quarter: 'quarter', quarters: 'quarter',
      w: 'week', week: 'week', weeks: 'week', isoWeek: 'isoWeek', isoWeeks: 'isoWeek',
      d: 'day', day: 'day', days: 'day', date: 'day', dates: 'day', h: 'hour', hour: 'hour', hours: 'hour',
      m: 'minute', minute: 'minute', minutes: 'minute', s: 'second', second: 'second', seconds: 'second',
      ms: 'millisecond', millisecond: 'millisecond', milliseconds: 'millisecond' };
    var MS = { week: 6048e5, day: 864e5, hour: 36e5, minute: 6e4, second: 1e3, millisecond: 1 };
    var ISO_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ';

    function __momentUnit(u) { return UNITS[u] || UNITS[String(u || '').toLowerCase()] || (u ? null : 'millisecond'); }
    function __momentPad(n, width) { var s = String(Math.abs(n)); while (s.length < width) s = '0' + s; return (n < 0 ? '-' : '') + s; }

    function Moment(ms, utc) {
      this._d = new Date(ms);
      this._isUTC = !!utc;
      this._isAMomentObject = true;
    }
    var proto = Moment.prototype;
    // Field access in the moment's mode (local or UTC).
    proto.__get = function __momentGet(field) { return this._d[(this._isUTC ? 'getUTC' : 'get') + field](); };
    proto.__set = function __momentSet(field, args) { this._d[(this._isUTC ? 'setUTC' : 'set') + field].apply(this._d, args); return this; };
    proto.__offset = function __momentOffset() { return this._isUTC ? 0 : -this._d.getTimezoneOffset(); };

    // -- parsing -------------------------------------------------------------------------------
    var ISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
    function __momentParseIso(text, utc) {
      var m = ISO.exec(String(text).trim());
      if (!m) {
        var date = /^\d{4}-\d{2}$/.test(text) ? text + '-01' : /^\d{4}$/.test(text) ? text + '-01-01' : null;
        if (date) return __momentParseIso(date, utc);
        return NaN;
      }
      var ms = m[7] ? Number((m[7] + '00').slice(0, 3)) : 0;
      var fields = [Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0), ms];
      if (m[8]) {
        var base = Date.UTC.apply(null, fields);
        if (m[8].toUpperCase() === 'Z') return base;
        var sign = m[8].charAt(0) === '-' ? -1 : 1, digits = m[8].replace(/\D/g, '');
        return base - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * 6e4;
      }
      if (utc) return Date.UTC.apply(null, fields);
      return new Date(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]).getTime();
    }
    var PARSE_TOKENS = /YYYY|YY|MMMM|MMM|MM|M|DDDD|DD|Do|D|HH|H|hh|h|mm|m|ss|s|SSS|SS|S|A|a|ZZ|Z|X|x|\[[^\]]*\]|./g;
    function __momentParseFormat(text, format, utc) {
      var tokens = String(format).match(PARSE_TOKENS) || [], pos = 0, src = String(text);
      var f = { year: 1970, month: 0, day: 1, hour: 0, minute: 0, second: 0, ms: 0, pm: null, offset: null };
      for (var i = 0; i < tokens.length; i++) {
        var t = tokens[i], rest = src.slice(pos), m;
        if (t.charAt(0) === '[') { pos += t.length - 2; continue; }
        var patterns = { YYYY: /^\d{4}/, YY: /^\d{2}/, MM: /^\d{2}/, M: /^\d{1,2}/, DD: /^\d{2}/, D: /^\d{1,2}/, Do: /^\d{1,2}(st|nd|rd|th)?/,
          HH: /^\d{2}/, H: /^\d{1,2}/, hh: /^\d{2}/, h: /^\d{1,2}/, mm: /^\d{2}/, m: /^\d{1,2}/, ss: /^\d{2}/, s: /^\d{1,2}/,
          SSS: /^\d{3}/, SS: /^\d{2}/, S: /^\d/, A: /^(am|pm)/i, a: /^(am|pm)/i, Z: /^(Z|[+-]\d{2}:?\d{2})/i, ZZ: /^(Z|[+-]\d{2}:?\d{2})/i,
          X: /^-?\d+(\.\d+)?/, x: /^-?\d+/, MMM: /^[A-Za-z]{3}/, MMMM: /^[A-Za-z]+/, DDDD: /^\d{1,3}/ };
        var re = patterns[t];
        if (!re) { if (rest.charAt(0) === t) pos += 1; continue; }
        m = re.exec(rest);
        if (!m) return NaN;
        var v = m[0];
        pos += v.length;
        switch (t) {
          case 'YYYY': f.year = Number(v); break;
          case 'YY': f.year = Number(v) + (Number(v) > 68 ? 1900 : 2000); break;
          case 'MM': case 'M': f.month = Number(v) - 1; break;
          case 'MMM': case 'MMMM': f.month = MONTHS.map(function __momentLow(n) { return n.slice(0, v.length).toLowerCase(); }).indexOf(v.toLowerCase()); break;
          case 'DD': case 'D': case 'Do': f.day = parseInt(v, 10); break;
          case 'HH': case 'H': case 'hh': case 'h': f.hour = Number(v); break;
          case 'mm': case 'm': f.minute = Number(v); break;
          case 'ss': case 's': f.second = Number(v); break;
          case 'SSS': f.ms = Number(v); break;
          case 'SS': f.ms = Number(v) * 10; break;
          case 'S': f.ms = Number(v) * 100; break;
          case 'A': case 'a': f.pm = v.toLowerCase() === 'pm'; break;
          case 'Z': case 'ZZ':
            f.offset = v.toUpperCase() === 'Z' ? 0 : (v.charAt(0) === '-' ? -1 : 1) * (Number(v.replace(/\D/g, '').slice(0, 2)) * 60 + Number(v.replace(/\D/g, '').slice(2, 4)));
            break;
          case 'X': return Number(v) * 1000;
          case 'x': return Number(v);
          default: break;
        }
      }
      if (f.pm !== null) { if (f.pm && f.hour < 12) f.hour += 12; if (!f.pm && f.hour === 12) f.hour = 0; }
      if (f.month < 0 || f.month > 11 || f.day < 1 || f.day > 31 || f.hour > 24 || f.minute > 59 || f.second > 59) return NaN;
      var fields = [f.year, f.month, f.day, f.hour, f.minute, f.second, f.ms];
      if (f.offset !== null) return Date.UTC.apply(null, fields) - f.offset * 6e4;
      if (utc) return Date.UTC.apply(null, fields);
      return new Date(f.year, f.month, f.day, f.hour, f.minute, f.second, f.ms).getTime();
    }
    function __momentFromObject(obj, utc) {
      var get = function __momentField(names, dflt) {
        for (var i = 0; i < names.length; i++) if (obj[names[i]] !== undefined) return Number(obj[names[i]]);
        return dflt;
      };
      var fields = [get(['year', 'years', 'y'], new Date().getFullYear()), get(['month', 'months', 'M'], 0), get(['date', 'day', 'days', 'd'], 1),
        get(['hour', 'hours', 'h'], 0), get(['minute', 'minutes', 'm'], 0), get(['second', 'seconds', 's'], 0), get(['millisecond', 'milliseconds', 'ms'], 0)];
      if (utc) return Date.UTC.apply(null, fields);
      return new Date(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]).getTime();
    }
    function __momentCreate(input, format, utc) {
      var ms;
      if (input === undefined || input === null && arguments.length === 0) ms = Date.now();
      else if (input === null) ms = NaN;
      else if (input instanceof Moment) ms = input.valueOf();
      else if (input instanceof Date) ms = input.getTime();
      else if (typeof input === 'number') ms = input;
      else if (Array.isArray(input)) {
        var a = input.concat([0, 0, 1, 0, 0, 0, 0].slice(input.length));
        if (input.length < 3) a[2] = input[2] === undefined ? 1 : input[2];
        ms = utc ? Date.UTC(a[0], a[1] || 0, a[2], a[3], a[4], a[5], a[6]) : new Date(a[0], a[1] || 0, a[2], a[3], a[4], a[5], a[6]).getTime();
      } else if (typeof input === 'object') ms = __momentFromObject(input, utc);
      else if (format) {
        var formats = [].concat(format);
        ms = NaN;
        for (var i = 0; i < formats.length && ms !== ms; i++) ms = formats[i] === moment.ISO_8601 ? __momentParseIso(input, utc) : __momentParseFormat(input, formats[i], utc);
      } else {
        ms = __momentParseIso(input, utc);
        if (ms !== ms) ms = Date.parse(String(input)); // RFC 2822 and other Date-parsable text, as moment falls back
      }
      var result = new Moment(ms, utc);
      if (input instanceof Moment && !utc) result._isUTC = input._isUTC;
      return result;
    }

    // -- formatting ----------------------------------------------------------------------------------
    function __momentOrdinal(n) {
      var b = n % 10, c = n % 100;
      return n + (c >= 11 && c <= 13 ? 'th' : b === 1 ? 'st' : b === 2 ? 'nd' : b === 3 ? 'rd' : 'th');
    }
    function __momentZone(minutes, sep) {
      var sign = minutes < 0 ? '-' : '+', abs = Math.abs(minutes);
      return sign + __momentPad(Math.floor(abs / 60), 2) + sep + __momentPad(abs % 60, 2);
    }
    var FORMAT_TOKENS = /\[[^\]]*\]|YYYYYY|YYYY|YY|Qo|Q|MMMM|MMM|MM|Mo|M|DDDD|DDDo|DDD|Do|DD|D|dddd|ddd|do|dd|d|E|e|GGGG|WW|W|ww|w|HH|H|hh|h|kk|k|mm|m|ss|s|SSSSSS|SSSSS|SSSS|SSS|SS|S|A|a|ZZ|Z|X|x|LTS|LT|LL?L?L?|l{1,4}/g;
    proto.format = function __momentFormat(fmt) {
      if (!this.isValid()) return 'Invalid date';
      var self = this;
      fmt = fmt === undefined ? (this._isUTC ? 'YYYY-MM-DDTHH:mm:ss[Z]' : ISO_FORMAT) : String(fmt);
      var Y = this.year(), M = this.month(), D = this.date(), d = this.day(), H = this.hours(), m = this.minutes(), s = this.seconds(), ms = this.milliseconds();
      var LONG = { LT: 'h:mm A', LTS: 'h:mm:ss A', L: 'MM/DD/YYYY', LL: 'MMMM D, YYYY', LLL: 'MMMM D, YYYY h:mm A', LLLL: 'dddd, MMMM D, YYYY h:mm A',
        l: 'M/D/YYYY', ll: 'MMM D, YYYY', lll: 'MMM D, YYYY h:mm A', llll: 'ddd, MMM D, YYYY h:mm A' };
      return fmt.replace(FORMAT_TOKENS, function __momentToken(t) {
        if (t.charAt(0) === '[') return t.slice(1, -1);
        if (LONG[t]) return self.format(LONG[t]);
        switch (t) {
          case 'YYYYYY': return (Y < 0 ? '-' : '+') + __momentPad(Math.abs(Y), 6);
          case 'YYYY': case 'GGGG': return __momentPad(Y, 4);
          case 'YY': return __momentPad(Y % 100, 2);
          case 'Q': return String(Math.floor(M / 3) + 1);
          case 'Qo': return __momentOrdinal(Math.floor(M / 3) + 1);
          case 'MMMM': return MONTHS[M];
          case 'MMM': return MONTHS[M].slice(0, 3);
          case 'MM': return __momentPad(M + 1, 2);
          case 'Mo': return __momentOrdinal(M + 1);
          case 'M': return String(M + 1);
          case 'DDDD': return __momentPad(self.dayOfYear(), 3);
          case 'DDDo': return __momentOrdinal(self.dayOfYear());
          case 'DDD': return String(self.dayOfYear());
          case 'Do': return __momentOrdinal(D);
          case 'DD': return __momentPad(D, 2);
          case 'D': return String(D);
          case 'dddd': return DAYS[d];
          case 'ddd': return DAYS[d].slice(0, 3);
          case 'dd': return DAYS[d].slice(0, 2);
          case 'do': return __momentOrdinal(d);
          case 'd': case 'e': return String(d);
          case 'E': return String(d || 7);
          case 'W': case 'w': return String(self.isoWeek());
          case 'WW': case 'ww': return __momentPad(self.isoWeek(), 2);
          case 'HH': return __momentPad(H, 2);
          case 'H': return String(H);
          case 'kk': return __momentPad(H || 24, 2);
          case 'k': return String(H || 24);
          case 'hh': return __momentPad(H % 12 || 12, 2);
          case 'h': return String(H % 12 || 12);
          case 'mm': return __momentPad(m, 2);
          case 'm': return String(m);
          case 'ss': return __momentPad(s, 2);
          case 's': return String(s);
          case 'A': return H < 12 ? 'AM' : 'PM';
          case 'a': return H < 12 ? 'am' : 'pm';
          case 'Z': return __momentZone(self.__offset(), ':');
          case 'ZZ': return __momentZone(self.__offset(), '');
          case 'X': return String(Math.floor(self.valueOf() / 1000));
          case 'x': return String(self.valueOf());
          default: // S, SS, SSS... fractional seconds
            return (__momentPad(ms, 3) + '000000').slice(0, t.length);
        }
      });
    };

    // -- getters / setters -------------------------------------------------------------------------
    function __momentAccessor(field, getArgs) {
      return function __momentAcc(value) {
        if (value === undefined) return this.__get(field);
        return this.__set(field, [Number(value)]);
      };
    }
    proto.year = proto.years = __momentAccessor('FullYear');
    proto.month = proto.months = function __momentMonth(value) {
      if (value === undefined) return this.__get('Month');
      if (typeof value === 'string') value = MONTHS.map(function __momentL(n) { return n.toLowerCase(); }).indexOf(value.toLowerCase().slice(0, 3)) >= 0
        ? MONTHS.map(function __momentS(n) { return n.slice(0, 3).toLowerCase(); }).indexOf(value.toLowerCase().slice(0, 3)) : Number(value);
      return this.__set('Month', [value]);
    };
    proto.date = proto.dates = __momentAccessor('Date');
    proto.hour = proto.hours = __momentAccessor('Hours');
    proto.minute = proto.minutes = __momentAccessor('Minutes');
    proto.second = proto.seconds = __momentAccessor('Seconds');
    proto.millisecond = proto.milliseconds = __momentAccessor('Milliseconds');
    proto.day = proto.days = proto.weekday = function __momentDay(value) {
      var current = this.__get('Day');
      if (value === undefined) return current;
      if (typeof value === 'string') value = DAYS.map(function __momentD(n) { return n.slice(0, 3).toLowerCase(); }).indexOf(value.toLowerCase().slice(0, 3));
      return this.add(Number(value) - current, 'day');
    };
    proto.isoWeekday = function __momentIsoWeekday(value) {
      var current = this.__get('Day') || 7;
      return value === undefined ? current : this.add(Number(value) - current, 'day');
    };
    proto.dayOfYear = function __momentDayOfYear(value) {
      var start = __momentCreate(this, undefined, this._isUTC).startOf('year');
      var n = Math.round((__momentCreate(this, undefined, this._isUTC).startOf('day').valueOf() - start.valueOf()) / MS.day) + 1;
      return value === undefined ? n : this.add(Number(value) - n, 'day');
    };
    proto.isoWeek = proto.isoWeeks = proto.week = proto.weeks = function __momentIsoWeek() {
      var monday0 = (this.__get('Day') + 6) % 7; // ISO weeks start on Monday; week 1 holds the first Thursday
      var thursday = Date.UTC(this.year(), this.month(), this.date() - monday0 + 3);
      var yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
      return Math.floor((thursday - yearStart) / MS.week) + 1;
    };
    proto.quarter = proto.quarters = function __momentQuarter() { return Math.floor(this.month() / 3) + 1; };
    proto.daysInMonth = function __momentDaysInMonth() { return new Date(Date.UTC(this.year(), this.month() + 1, 0)).getUTCDate(); };
    proto.isLeapYear = function __momentLeap() { var y = this.year(); return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0; };
    proto.get = function __momentGetUnit(unit) {
      var u = __momentUnit(unit);
      return { year: this.year(), month: this.month(), day: this.date(), hour: this.hours(), minute: this.minutes(),
        second: this.seconds(), millisecond: this.milliseconds(), quarter: this.quarter(), week: this.isoWeek(), isoWeek: this.isoWeek() }[u];
    };
    proto.set = function __momentSetUnit(unit, value) {
      if (unit && typeof unit === 'object') { var self = this; Object.keys(unit).forEach(function __momentK(k) { self.set(k, unit[k]); }); return this; }
      var u = __momentUnit(unit);
      var map = { year: 'year', month: 'month', day: 'date', hour: 'hours', minute: 'minutes', second: 'seconds', millisecond: 'milliseconds' };
      return map[u] ? this[map[u]](value) : this;
    };

    // -- arithmetic -----------------------------------------------------------------------------------
    function __momentShift(m, amount, unit, sign) {
      if (amount && typeof amount === 'object' && !(amount instanceof Duration)) {
        Object.keys(amount).forEach(function __momentEach(k) { __momentShift(m, amount[k], k, sign); });
        return m;
      }
      if (amount instanceof Duration) { m._d = new Date(m.valueOf() + sign * amount.asMilliseconds()); return m; }
      if (typeof amount === 'string' && typeof unit === 'number') { var t = amount; amount = unit; unit = t; }
      var n = Number(amount) * sign, u = __momentUnit(unit);
      if (!u || n !== n) return m;
      if (u === 'year' || u === 'month' || u === 'quarter') {
        var months = u === 'year' ? n * 12 : u === 'quarter' ? n * 3 : n;
        var day = m.date();
        m.date(1);
        m.__set('Month', [m.month() + months]);
        m.date(Math.min(day, m.daysInMonth()));
      } else if (u === 'day' || u === 'week') {
        m.__set('Date', [m.date() + (u === 'week' ? n * 7 : n)]);
      } else {
        m._d = new Date(m.valueOf() + n * MS[u]);
      }
      return m;
    }
    proto.add = function __momentAdd(amount, unit) { return __momentShift(this, amount, unit, 1); };
    proto.subtract = function __momentSubtract(amount, unit) { return __momentShift(this, amount, unit, -1); };
    proto.startOf = function __momentStartOf(unit) {
      var u = __momentUnit(unit);
      switch (u) {
        case 'year': this.month(0); /* falls through */
        case 'quarter': if (u === 'quarter') this.month(Math.floor(this.month() / 3) * 3); /* falls through */
        case 'month': this.date(1); /* falls through */
        case 'week': case 'isoWeek': case 'day':
          if (u === 'week') this.add(-this.day(), 'day');
          if (u === 'isoWeek') this.add(-((this.day() + 6) % 7), 'day');
          this.hours(0); /* falls through */
        case 'hour': this.minutes(0); /* falls through */
        case 'minute': this.seconds(0); /* falls through */
        case 'second': this.milliseconds(0); break;
        default: break;
      }
      return this;
    };
    proto.endOf = function __momentEndOf(unit) {
      var u = __momentUnit(unit);
      if (!u || u === 'millisecond') return this;
      this.startOf(u).add(1, u === 'isoWeek' ? 'week' : u);
      this._d = new Date(this.valueOf() - 1);
      return this;
    };
    function __momentMonthDiff(a, b) {
      var whole = (b.year() - a.year()) * 12 + (b.month() - a.month());
      var anchor = a.clone().add(whole, 'month'), adjust;
      if (b.valueOf() - anchor.valueOf() < 0) {
        var before = a.clone().add(whole - 1, 'month');
        adjust = (b.valueOf() - anchor.valueOf()) / (anchor.valueOf() - before.valueOf());
      } else {
        var after = a.clone().add(whole + 1, 'month');
        adjust = (b.valueOf() - anchor.valueOf()) / (after.valueOf() - anchor.valueOf());
      }
      return -(whole + adjust) || 0;
    }
    proto.diff = function __momentDiff(other, unit, asFloat) {
      var that = other instanceof Moment ? other : __momentCreate(other);
      var u = __momentUnit(unit) || 'millisecond', result;
      if (u === 'year' || u === 'month' || u === 'quarter') {
        result = __momentMonthDiff(this, that);
        if (u === 'year') result /= 12;
        if (u === 'quarter') result /= 3;
      } else {
        var delta = this.valueOf() - that.valueOf();
        if (u === 'day' || u === 'week') delta -= (that.__offset() - this.__offset()) * 6e4;
        result = delta / MS[u];
      }
      return asFloat ? result : result < 0 ? Math.ceil(result) || 0 : Math.floor(result);
    };

    // -- comparison, conversion --------------------------------------------------------------------
    function __momentValue(x, unit, self, end) {
      var m = x instanceof Moment ? x.clone() : __momentCreate(x);
      return unit ? (end ? m.endOf(unit) : m.startOf(unit)).valueOf() : m.valueOf();
    }
    proto.isBefore = function __momentIsBefore(x, unit) {
      return unit ? this.clone().endOf(unit).valueOf() < __momentValue(x) : this.valueOf() < __momentValue(x);
    };
    proto.isAfter = function __momentIsAfter(x, unit) {
      return unit ? this.clone().startOf(unit).valueOf() > __momentValue(x) : this.valueOf() > __momentValue(x);
    };
    proto.isSame = function __momentIsSame(x, unit) {
      if (!unit) return this.valueOf() === __momentValue(x);
      var v = __momentValue(x);
      return this.clone().startOf(unit).valueOf() <= v && v <= this.clone().endOf(unit).valueOf();
    };
    proto.isSameOrBefore = function __momentSOB(x, unit) { return this.isSame(x, unit) || this.isBefore(x, unit); };
    proto.isSameOrAfter = function __momentSOA(x, unit) { return this.isSame(x, unit) || this.isAfter(x, unit); };
    proto.isBetween = function __momentIsBetween(a, b, unit) { return this.isAfter(a, unit) && this.isBefore(b, unit); };
    proto.isValid = function __momentIsValid() { return !isNaN(this._d.getTime()); };
    proto.valueOf = function __momentValueOf() { return this._d.getTime(); };
    proto.unix = function __momentUnix() { return Math.floor(this.valueOf() / 1000); };
    proto.toDate = function __momentToDate() { return new Date(this.valueOf()); };
    proto.toISOString = function __momentToISO(keepOffset) {
      if (!this.isValid()) return null;
      if (keepOffset && !this._isUTC) return this.format('YYYY-MM-DDTHH:mm:ss.SSSZ');
      return this._d.toISOString();
    };
    proto.toJSON = function __momentToJSON() { return this.isValid() ? this.toISOString() : null; };
    proto.toString = function __momentToString() {
      return this.isValid() ? this.clone().locale().format('ddd MMM DD YYYY HH:mm:ss [GMT]ZZ') : 'Invalid date';
    };
    proto.toArray = function __momentToArray() {
      return [this.year(), this.month(), this.date(), this.hours(), this.minutes(), this.seconds(), this.milliseconds()];
    };
    proto.toObject = function __momentToObject() {
      return { years: this.year(), months: this.month(), date: this.date(), hours: this.hours(), minutes: this.minutes(),
        seconds: this.seconds(), milliseconds: this.milliseconds() };
    };
    proto.clone = function __momentClone() { return new Moment(this.valueOf(), this._isUTC); };
    proto.utc = function __momentUtc() { this._isUTC = true; return this; };
    proto.local = function __momentLocal() { this._isUTC = false; return this; };
    proto.isUTC = proto.isUtc = function __momentIsUtc() { return this._isUTC; };
    proto.utcOffset = function __momentUtcOffset(value) {
      if (value === undefined) return this.__offset();
      if (Number(value) === 0) this._isUTC = true;
      return this;
    };
    proto.locale = function __momentLocale() { return this; };
    proto.lang = proto.locale;
    proto.fromNow = function __momentFromNow(withoutSuffix) { return this.from(__momentCreate(), withoutSuffix); };
    proto.from = function __momentFrom(other, withoutSuffix) {
      var seconds = Math.round((this.valueOf() - __momentValue(other)) / 1000), abs = Math.abs(seconds), text;
      if (abs < 45) text = 'a few seconds';
      else if (abs < 90) text = 'a minute';
      else if (abs < 45 * 60) text = Math.round(abs / 60) + ' minutes';
      else if (abs < 90 * 60) text = 'an hour';
      else if (abs < 22 * 3600) text = Math.round(abs / 3600) + ' hours';
      else if (abs < 36 * 3600) text = 'a day';
      else if (abs < 26 * 86400) text = Math.round(abs / 86400) + ' days';
      else if (abs < 46 * 86400) text = 'a month';
      else if (abs < 320 * 86400) text = Math.round(abs / (30.4 * 86400)) + ' months';
      else if (abs < 548 * 86400) text = 'a year';
      else text = Math.round(abs / (365.25 * 86400)) + ' years';
      if (withoutSuffix) return text;
      return seconds < 0 ? text + ' ago' : 'in ' + text;
    };

    // -- durations (the subset: add/subtract amounts, as*) -------------------------------------------
    function Duration(ms) { this._ms = ms; }
    Duration.prototype.asMilliseconds = function __momentDurMs() { return this._ms; };
    Duration.prototype.valueOf = Duration.prototype.asMilliseconds;
    ['second', 'minute', 'hour', 'day', 'week'].forEach(function __momentDurUnit(u) {
      var name = u.charAt(0).toUpperCase() + u.slice(1) + 's';
      Duration.prototype['as' + name] = function __momentDurAs() { return this._ms / MS[u]; };
    });
    Duration.prototype.asMonths = function __momentDurMonths() { return this._ms / (MS.day * 30.436875); };
    Duration.prototype.asYears = function __momentDurYears() { return this._ms / (MS.day * 365.2425); };
    Duration.prototype.milliseconds = function __momentDurMsPart() { return this._ms % 1000; };
    Duration.prototype.seconds = function __momentDurS() { return Math.floor(this._ms / 1000) % 60; };
    Duration.prototype.minutes = function __momentDurM() { return Math.floor(this._ms / 6e4) % 60; };
    Duration.prototype.hours = function __momentDurH() { return Math.floor(this._ms / 36e5) % 24; };
    Duration.prototype.days = function __momentDurD() { return Math.floor(this._ms / 864e5); };
    Duration.prototype.humanize = function __momentDurHuman() { return new Moment(this._ms, true).from(new Moment(0, true), true); };
    Duration.prototype.toISOString = function __momentDurIso() { return 'PT' + this._ms / 1000 + 'S'; };

    // -- the module ------------------------------------------------------------------------------------
    var moment = function __moment(input, format) {
      return arguments.length === 0 ? __momentCreate() : __momentCreate(input, format, false);
    };
    moment.utc = function __momentUtcCreate(input, format) {
      var m = arguments.length === 0 ? __momentCreate(undefined, undefined, true) : __momentCreate(input, format, true);
      m._isUTC = true;
      return m;
    };
    moment.unix = function __momentFromUnix(seconds) { return new Moment(Number(seconds) * 1000, false); };
    moment.isMoment = function __momentIsMoment(x) { return x instanceof Moment; };
    moment.isDate = function __momentIsDate(x) { return x instanceof Date; };
    moment.now = function __momentNow() { return Date.now(); };
    moment.invalid = function __momentInvalid() { return new Moment(NaN, false); };
    moment.duration = function __momentDuration(amount, unit) {
      if (amount instanceof Duration) return new Duration(amount._ms);
      if (amount && typeof amount === 'object') {
        var total = 0;
        Object.keys(amount).forEach(function __momentDurKey(k) { var u = __momentUnit(k); total += Number(amount[k]) * (MS[u] || (u === 'month' ? MS.day * 30 : u === 'year' ? MS.day * 365 : 0)); });
        return new Duration(total);
      }
      var u = __momentUnit(unit) || 'millisecond';
      return new Duration(Number(amount) * (MS[u] || (u === 'month' ? MS.day * 30 : u === 'year' ? MS.day * 365 : 1)));
    };
    moment.max = function __momentMax() { var list = [].concat.apply([], arguments); return list.reduce(function __momentM(a, b) { return b.valueOf() > a.valueOf() ? b : a; }); };
    moment.min = function __momentMin() { var list = [].concat.apply([], arguments); return list.reduce(function __momentM(a, b) { return b.valueOf() < a.valueOf() ? b : a; }); };
    moment.months = function __momentMonths() { return MONTHS.slice(); };
    moment.weekdays = function __momentWeekdays() { return DAYS.slice(); };
    moment.locale = function __momentLocaleName() { return 'en'; };
    moment.ISO_8601 = function __momentIsoMarker() {};
    moment.fn = proto;
    moment.version = '2.x-rqrun';
    return moment;
  };
})(globalThis);
