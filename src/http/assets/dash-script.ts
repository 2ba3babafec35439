/**
 * The dashboard's only script, an enhancement: pages marked data-live follow
 * server-sent events and refresh their #live part in place, and the CSV export
 * shows its progress. Everything works without it (reload; plain download).
 */
export const DASH_JS = String.raw`(function () {
  'use strict';
  // CSV export: stream the download, counting rows into a status line, then save it.
  var csv = document.getElementById('csv-export');
  var csvStatus = document.getElementById('csv-status');
  if (csv && csvStatus && window.fetch && window.ReadableStream && window.Blob && window.URL) {
    var say = function (template, rows) {
      csvStatus.hidden = false;
      csvStatus.textContent = template.replace('{rows}', String(rows));
    };
    csv.addEventListener('click', function (event) {
      event.preventDefault();
      if (csv.getAttribute('aria-disabled') === 'true') return;
      csv.setAttribute('aria-disabled', 'true');
      var rows = 0;
      var chunks = [];
      var name = 'invoices.csv';
      say(csv.getAttribute('data-progress'), 0);
      fetch(csv.href, { credentials: 'same-origin' })
        .then(function (r) {
          if (!r.ok || !r.body) throw new Error('export failed');
          var m = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') || '');
          if (m) name = m[1];
          var reader = r.body.getReader();
          function pump() {
            return reader.read().then(function (step) {
              if (step.done) return;
              chunks.push(step.value);
              for (var i = 0; i < step.value.length; i++) if (step.value[i] === 10) rows++;
              // The header line is not an invoice.
              say(csv.getAttribute('data-progress'), Math.max(rows - 1, 0));
              return pump();
            });
          }
          return pump();
        })
        .then(function () {
          var url = URL.createObjectURL(new Blob(chunks, { type: 'text/csv' }));
          var a = document.createElement('a');
          a.href = url;
          a.download = name;
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
          say(csv.getAttribute('data-done'), Math.max(rows - 1, 0));
        })
        .catch(function () {
          say(csv.getAttribute('data-failed'), rows);
        })
        .then(function () {
          csv.removeAttribute('aria-disabled');
        });
    });
  }
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
