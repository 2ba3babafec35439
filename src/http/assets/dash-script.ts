/**
 * The dashboard's only script, an enhancement: pages marked data-live follow
 * server-sent events and refresh their #live part in place. Everything works
 * without it by reloading.
 */
export const DASH_JS = String.raw`(function () {
  'use strict';
  var live = document.body.getAttribute('data-live');
  if (!live || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var timer = null;
  function refresh() {
    timer = null;
    fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (!text) return;
        var next = new DOMParser().parseFromString(text, 'text/html').getElementById('live');
        var here = document.getElementById('live');
        if (next && here) here.innerHTML = next.innerHTML;
      })
      .catch(function () {});
  }
  var url = '/dashboard/events' + (live === 'list' ? '' : '?invoice=' + encodeURIComponent(live));
  var source = new EventSource(url);
  function soon() {
    if (timer === null) timer = setTimeout(refresh, 250);
  }
  // Changes between rendering the page and the stream (re)opening would be missed: catch up once.
  source.addEventListener('open', soon);
  source.addEventListener('invoice', soon);
  source.addEventListener('delivery', soon);
})();
`;
