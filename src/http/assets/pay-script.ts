/**
 * The payment page's script: progressive enhancement only. The page works
 * without it; with it, copy buttons, a live countdown, local times, live
 * status (server-sent events, polling as the fallback) and test-panel
 * submissions without a reload. Kept as plain ES2017 for old phone browsers.
 */
export const PAY_JS = String.raw`(function () {
  'use strict';
  var main = document.getElementById('main');
  var live = document.getElementById('live');
  var es = null, pollTimer = null, failures = 0, busy = false, again = false, skew = 0, redirectTimer = null;

  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function attr(name) { return main ? main.getAttribute('data-' + name) : null; }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function announce(text) { if (live) { live.textContent = ''; setTimeout(function () { live.textContent = text; }, 50); } }

  function countdown() {
    all('[data-expires]').forEach(function (el) {
      var left = Math.max(0, Date.parse(el.getAttribute('data-expires')) - (Date.now() + skew));
      var s = Math.floor(left / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
      el.textContent = (h > 0 ? h + ':' : '') + pad(m) + ':' + pad(s % 60);
      if (left === 0 && !el.hasAttribute('data-done')) { el.setAttribute('data-done', ''); setTimeout(refresh, 1500); }
    });
  }

  function localTimes() {
    var fmt;
    try { fmt = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short' }); } catch (e) { return; }
    all('time[data-local]').forEach(function (el) {
      var t = Date.parse(el.getAttribute('datetime'));
      if (!isNaN(t)) el.textContent = fmt.format(new Date(t));
    });
  }

  function redirect() {
    var el = main && main.querySelector('[data-redirect]');
    if (!el || redirectTimer) return;
    var url = el.getAttribute('data-redirect'), left = Number(el.getAttribute('data-delay')) || 5;
    var out = el.querySelector('[data-seconds]');
    redirectTimer = setInterval(function () {
      left -= 1;
      if (out) out.textContent = String(Math.max(left, 0));
      if (left <= 0) { clearInterval(redirectTimer); location.assign(url); }
    }, 1000);
  }

  function enhance() {
    if (!main) return;
    skew = (Date.parse(attr('server-time')) || Date.now()) - Date.now();
    all('[data-copy][hidden]', main).forEach(function (b) { b.removeAttribute('hidden'); });
    localTimes();
    countdown();
    redirect();
  }

  function copyFallback(value) {
    var t = document.createElement('textarea');
    t.value = value; t.setAttribute('readonly', ''); t.className = 'sr-only';
    document.body.appendChild(t); t.select();
    try { document.execCommand('copy'); } catch (e) { /* the value stays selectable on the page */ }
    document.body.removeChild(t);
  }

  document.addEventListener('click', function (e) {
    var btn = e.target && e.target.closest ? e.target.closest('button[data-copy]') : null;
    if (!btn) return;
    var value = btn.getAttribute('data-copy'), label = btn.getAttribute('data-label') || btn.textContent;
    btn.setAttribute('data-label', label);
    function done() {
      btn.textContent = btn.getAttribute('data-copied');
      announce(btn.getAttribute('data-copied'));
      setTimeout(function () { btn.textContent = label; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(value).then(done, function () { copyFallback(value); done(); });
    else { copyFallback(value); done(); }
  });

  function stop() {
    if (es) { es.close(); es = null; }
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname + location.search, { cache: 'no-store', headers: { accept: 'text/html' } })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var next = doc.getElementById('main');
        if (!next || !main) return;
        var focused = main.contains(document.activeElement);
        var changed = next.getAttribute('data-state') !== attr('state');
        next = document.importNode(next, true);
        main.parentNode.replaceChild(next, main);
        main = next;
        if (doc.title) document.title = doc.title;
        if (redirectTimer) { clearInterval(redirectTimer); redirectTimer = null; }
        enhance();
        var h1 = main.querySelector('h1');
        if (h1 && (changed || focused)) announce(h1.textContent);
        if (h1 && focused) h1.focus();
        if (attr('final') === 'true') stop();
      })
      .catch(function () { /* the next event or poll retries */ })
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }

  function onState(s) {
    if (s.server_time) skew = Date.parse(s.server_time) - Date.now();
    if (s.version !== attr('version')) refresh();
    if (s.final) stop();
  }

  function poll() {
    if (pollTimer || !main) return;
    var url = '/pay/' + attr('invoice') + '/status.json';
    pollTimer = setInterval(function () {
      fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) { if (s) onState(s); })
        .catch(function () { /* keep polling */ });
    }, 5000);
  }

  function connect() {
    if (!main || attr('final') === 'true') return;
    if (!window.EventSource) { poll(); return; }
    es = new EventSource('/pay/' + attr('invoice') + '/events');
    es.addEventListener('state', function (ev) { failures = 0; onState(JSON.parse(ev.data)); });
    es.onerror = function () {
      failures += 1;
      if (es && (es.readyState === 2 || failures >= 3)) { es.close(); es = null; poll(); }
    };
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form || !form.hasAttribute('data-live') || !window.fetch) return;
    e.preventDefault();
    var body = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { body.append(k, String(v)); });
    if (e.submitter && e.submitter.name) body.append(e.submitter.name, e.submitter.value);
    var error = form.querySelector('[data-error]');
    all('button', form).forEach(function (b) { b.disabled = true; });
    fetch(form.action, { method: 'POST', body: body, headers: { accept: 'application/json' } })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw j; return j; }); })
      .then(function () { if (error) error.hidden = true; refresh(); }, function (j) {
        if (error) { error.textContent = (j && j.error && j.error.message) || 'Error'; error.hidden = false; }
      })
      .then(function () { all('button', form).forEach(function (b) { b.disabled = false; }); });
  });

  enhance();
  connect();
  setInterval(countdown, 1000);
})();
`;
