"""The HTML report's inline stylesheet and script, kept apart from the markup that uses them.

Both are inlined into every report (the page must work from a mail attachment or a CI artifact
with no network), and the report's Content-Security-Policy allows nothing else. The script only
filters and expands what the server already rendered: without it the page is complete, just
not filterable. It also honours a URL fragment such as ``#filter=failed&q=login&status=4xx,5xx``
so that a link can open a filtered view.
"""

from __future__ import annotations

__all__ = ["CSP", "CSS", "SCRIPT"]

#: Only inline style and script, ``data:`` images; no fetches, frames, forms or base URL.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

CSS = """
:root{--bg:#f5f6f8;--card:#fff;--fg:#1f2328;--muted:#626b75;--line:#d8dde3;--soft:#eef1f4;
--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--skip:#8a6a00;--skip-bg:#fff4d0;
--info:#0969da;--info-bg:#ddf4ff;--warn:#9a6700;--warn-bg:#fff8c5;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--fg:#e6edf3;--muted:#8d96a0;
--line:#30363d;--soft:#1f242c;--pass:#3fb950;--pass-bg:#12261a;--fail:#f85149;--fail-bg:#2d1416;
--skip:#d29922;--skip-bg:#2a2110;--info:#58a6ff;--info-bg:#10243a;--warn:#d29922;--warn-bg:#2a2110}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",
Roboto,"Helvetica Neue","Noto Sans","Liberation Sans",Arial,sans-serif}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
a{color:var(--info);text-decoration:none}a:hover{text-decoration:underline}
header.top{background:var(--card);border-bottom:1px solid var(--line);padding:20px 0 18px;
border-top:4px solid var(--muted)}
body.run-passed header.top{border-top-color:var(--pass)}
body.run-failed header.top{border-top-color:var(--fail)}
body.run-incomplete header.top{border-top-color:var(--warn)}
.top .wrap{display:flex;align-items:center;gap:16px;flex-wrap:wrap}
.brand{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);font-weight:600}
h1{margin:2px 0 2px;font-size:24px;line-height:1.25;word-break:break-word}
.sub{color:var(--muted);font-size:13px;word-break:break-all}
.title{flex:1 1 420px;min-width:0}
.verdict{font-weight:700;font-size:13px;letter-spacing:.05em;text-transform:uppercase;border-radius:999px;
padding:6px 14px;background:var(--soft);color:var(--muted)}
.verdict.passed{background:var(--pass-bg);color:var(--pass)}
.verdict.failed{background:var(--fail-bg);color:var(--fail)}
.verdict.incomplete{background:var(--warn-bg);color:var(--warn)}
main.wrap{padding-top:20px;padding-bottom:40px}
h2{font-size:17px;margin:28px 0 10px;display:flex;align-items:center;gap:8px}
h2 .n{font-size:12px;font-weight:600;background:var(--soft);color:var(--muted);border-radius:999px;padding:1px 9px}
.banner{border-radius:8px;padding:10px 14px;margin:0 0 14px;border:1px solid}
.banner.incomplete{background:var(--warn-bg);border-color:var(--warn);color:var(--fg)}
.banner.aborted{background:var(--fail-bg);border-color:var(--fail);color:var(--fg)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em;font-weight:600}
.card .v{font-size:26px;font-weight:650;line-height:1.3;font-variant-numeric:tabular-nums}
.card .d{font-size:12.5px;color:var(--muted)}
.card.bad{border-color:var(--fail)}.card.bad .v{color:var(--fail)}
.card.good .v{color:var(--pass)}
.bar{display:flex;height:6px;border-radius:3px;overflow:hidden;background:var(--soft);margin-top:6px}
.bar i{display:block}.bar .p{background:var(--pass)}.bar .f{background:var(--fail)}.bar .s{background:var(--skip)}
.ok{color:var(--pass)}.ko{color:var(--fail)}.sk{color:var(--skip)}
dl.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 24px;margin:12px 0 0;
background:var(--card);border:1px solid var(--line);border-radius:10px;padding:6px 14px;font-size:13px}
.facts div{display:flex;gap:12px;padding:5px 0;border-bottom:1px solid var(--soft);min-width:0}
.facts dt{flex:0 0 110px;color:var(--muted);font-weight:600}
.facts dd{margin:0;min-width:0;word-break:break-word}
.facts .wide{grid-column:1/-1}
ol.failures{list-style:none;margin:0;padding:0;background:var(--card);border:1px solid var(--line);
border-left:4px solid var(--fail);border-radius:10px;overflow:hidden}
ol.failures li{padding:8px 14px;border-bottom:1px solid var(--soft)}
ol.failures li:last-child{border-bottom:0}
.failures .where{font-weight:600}.failures .kind{font-size:11px;text-transform:uppercase;letter-spacing:.05em;
color:var(--fail);background:var(--fail-bg);border-radius:4px;padding:1px 6px;margin-right:6px}
.failures .msg{display:block;color:var(--muted);font-family:var(--mono);font-size:12.5px;white-space:pre-wrap;
word-break:break-word}
.more{color:var(--muted);font-size:13px;margin:8px 2px}
ul.warnings{margin:0;padding:8px 14px 8px 32px;background:var(--warn-bg);border-radius:10px;
border:1px solid var(--line)}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;background:var(--card);
border:1px solid var(--line);border-radius:10px;padding:10px 12px;margin-bottom:10px;position:sticky;top:0;z-index:2}
.toolbar[hidden]{display:none}
.toolbar input[type=search]{flex:1 1 260px;min-width:0;font:inherit;padding:6px 10px;border:1px solid var(--line);
border-radius:6px;background:var(--bg);color:var(--fg)}
.toolbar label{display:flex;align-items:center;gap:6px;cursor:pointer;user-select:none}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip,.tool{font:inherit;font-size:12.5px;border:1px solid var(--line);background:var(--bg);color:var(--fg);
border-radius:999px;padding:3px 11px;cursor:pointer}
.chip b{font-weight:600;color:var(--muted);margin-left:4px}
.chip[aria-pressed=true]{background:var(--info-bg);border-color:var(--info);color:var(--info)}
.tool{border-radius:6px}
.shown{color:var(--muted);font-size:12.5px;margin-left:auto}
details.ex{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--pass);scroll-margin-top:72px;
border-radius:8px;margin:0 0 6px}
details.ex.failed{border-left-color:var(--fail)}
details.ex[hidden]{display:none}
details.ex>summary{list-style:none;cursor:pointer;display:grid;grid-template-columns:52px 52px 64px minmax(0,1fr) auto;
gap:10px;align-items:center;padding:8px 12px}
details.ex>summary::-webkit-details-marker{display:none}
details.ex>summary:hover{background:var(--soft)}
details.ex[open]>summary{border-bottom:1px solid var(--line)}
.pill{display:inline-block;text-align:center;font-size:11px;font-weight:700;letter-spacing:.04em;border-radius:4px;
padding:1px 6px;background:var(--pass-bg);color:var(--pass)}
.pill.failed{background:var(--fail-bg);color:var(--fail)}
.pill.skipped{background:var(--skip-bg);color:var(--skip)}
.code{font-family:var(--mono);font-weight:700;font-size:13px}
.code.s2xx{color:var(--pass)}.code.s3xx{color:var(--info)}.code.s4xx{color:var(--warn)}
.code.s5xx,.code.snone{color:var(--fail)}
.method{font-family:var(--mono);font-size:12px;font-weight:700;color:var(--muted)}
.label{min-width:0}
.label .name{font-weight:600;word-break:break-word}
.label .iter{font-size:11px;color:var(--muted);background:var(--soft);border-radius:4px;padding:0 6px;margin-left:6px}
.label .url{display:block;font-family:var(--mono);font-size:12px;color:var(--muted);white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}
.meta{color:var(--muted);font-size:12.5px;text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.meta .tc{margin-right:10px}
.exbody{padding:4px 14px 14px}
.exbody h3{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:14px 0 6px}
.exbody h4{font-size:12.5px;margin:10px 0 4px;color:var(--muted);font-weight:600}
.kv{border-collapse:collapse;width:100%;font-size:12.5px}
.kv th,.kv td{text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid var(--soft)}
.kv th{font-family:var(--mono);font-weight:600;width:28%;word-break:break-all}
.kv td{font-family:var(--mono);word-break:break-all}
.line{font-family:var(--mono);font-size:13px;word-break:break-all}
pre{font-family:var(--mono);font-size:12.5px;line-height:1.45;background:var(--soft);border:1px solid var(--line);
border-radius:6px;padding:10px 12px;margin:4px 0;max-height:480px;overflow:auto;white-space:pre-wrap;
word-break:break-word}
.note{font-size:12px;color:var(--muted);margin:2px 0}
ul.tests{list-style:none;margin:0;padding:0}
ul.tests li{padding:4px 0;border-bottom:1px solid var(--soft)}
ul.tests li:last-child{border-bottom:0}
ul.tests .src{font-size:11px;color:var(--muted);margin-left:6px}
.terr{display:block;margin:3px 0 0 52px;font-family:var(--mono);font-size:12.5px;color:var(--fail);
white-space:pre-wrap;word-break:break-word}
.errbox{background:var(--fail-bg);border:1px solid var(--fail);border-radius:6px;padding:8px 12px;margin-top:10px}
.errbox .msg{font-family:var(--mono);font-size:12.5px;white-space:pre-wrap;word-break:break-word}
ul.exwarn{margin:0;padding-left:20px;color:var(--warn)}
.empty{color:var(--muted);text-align:center;padding:24px}
footer{color:var(--muted);font-size:12px;padding:16px 0 32px;text-align:center}
@media (max-width:720px){details.ex>summary{grid-template-columns:46px 40px 52px minmax(0,1fr)}
.meta{grid-column:2/-1;text-align:left}}
@media print{.toolbar{display:none}details.ex{break-inside:avoid}}
"""

# Vanilla JS, no globals, no network. Rows are hidden with the `hidden` attribute, so a page
# without JS shows everything.
SCRIPT = r"""
(function () {
  "use strict";
  var list = document.getElementById("executions");
  var bar = document.getElementById("toolbar");
  if (!list || !bar) { return; }
  var rows = Array.prototype.slice.call(list.querySelectorAll("details.ex"));
  var box = document.getElementById("q");
  var failedOnly = document.getElementById("failed-only");
  var chips = Array.prototype.slice.call(bar.querySelectorAll(".chip[data-status]"));
  var shown = document.getElementById("shown");
  var empty = document.getElementById("no-match");
  var texts = null;
  var timer = 0;
  bar.hidden = false;

  function haystack(i) {
    if (texts === null) {
      texts = rows.map(function (row) {
        var head = row.querySelector("summary");
        return (head ? head.textContent : "").replace(/\s+/g, " ").toLowerCase();
      });
    }
    return texts[i];
  }

  function statuses() {
    return chips.filter(function (c) { return c.getAttribute("aria-pressed") === "true"; })
      .map(function (c) { return c.getAttribute("data-status"); });
  }

  function writeHash(q, failed, st) {
    var parts = [];
    if (failed) { parts.push("filter=failed"); }
    if (st.length) { parts.push("status=" + st.map(encodeURIComponent).join(",")); }
    if (q) { parts.push("q=" + encodeURIComponent(q)); }
    var url = location.pathname + location.search + (parts.length ? "#" + parts.join("&") : "");
    try { history.replaceState(null, "", url); } catch (e) { /* file:// in some browsers */ }
  }

  function apply(remember) {
    var q = box.value.trim().toLowerCase();
    var words = q ? q.split(/\s+/) : [];
    var failed = failedOnly.checked;
    var st = statuses();
    var count = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var ok = (!failed || row.getAttribute("data-failed") === "1") &&
        (!st.length || st.indexOf(row.getAttribute("data-status")) >= 0);
      for (var w = 0; ok && w < words.length; w++) { ok = haystack(i).indexOf(words[w]) >= 0; }
      if (row.hidden === ok) { row.hidden = !ok; }
      if (ok) { count++; }
    }
    shown.textContent = count === rows.length ? rows.length + " requests" : count + " of " + rows.length + " shown";
    empty.hidden = count !== 0 || rows.length === 0;
    if (remember) { writeHash(box.value.trim(), failed, st); }
  }

  function readHash() {
    var raw = location.hash.slice(1);
    if (raw.indexOf("=") < 0) { return false; }
    var failed = false, st = [], q = "";
    raw.split("&").forEach(function (pair) {
      var eq = pair.indexOf("=");
      var key = pair.slice(0, eq), value = "";
      try { value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, " ")); } catch (e) { return; }
      if (key === "filter" && value === "failed") { failed = true; }
      else if (key === "failed") { failed = value !== "0" && value !== "false"; }
      else if (key === "status") { st = value.split(","); }
      else if (key === "q") { q = value; }
    });
    box.value = q;
    failedOnly.checked = failed;
    chips.forEach(function (c) {
      c.setAttribute("aria-pressed", st.indexOf(c.getAttribute("data-status")) >= 0 ? "true" : "false");
    });
    return true;
  }

  function reveal(id) {
    var row = document.getElementById(id);
    if (!row || !row.classList.contains("ex")) { return; }
    if (row.hidden) {
      box.value = ""; failedOnly.checked = false;
      chips.forEach(function (c) { c.setAttribute("aria-pressed", "false"); });
      apply(false);
    }
    row.open = true;
    row.scrollIntoView({block: "start"});
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { apply(true); }, 120);
  });
  failedOnly.addEventListener("change", function () { apply(true); });
  chips.forEach(function (c) {
    c.addEventListener("click", function () {
      c.setAttribute("aria-pressed", c.getAttribute("aria-pressed") === "true" ? "false" : "true");
      apply(true);
    });
  });
  bar.querySelectorAll("[data-expand]").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = b.getAttribute("data-expand") === "1";
      rows.forEach(function (row) { if (!row.hidden) { row.open = open; } });
    });
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href^='#ex-']") : null;
    if (a) { e.preventDefault(); reveal(a.getAttribute("href").slice(1)); }
  });
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey) { e.preventDefault(); box.focus(); }
  });
  window.addEventListener("hashchange", function () {
    if (readHash()) { apply(false); } else if (location.hash.indexOf("#ex-") === 0) { reveal(location.hash.slice(1)); }
  });

  var fromHash = readHash();
  apply(false);
  if (!fromHash && location.hash.indexOf("#ex-") === 0) { reveal(location.hash.slice(1)); }
})();
"""
