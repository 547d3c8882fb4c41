// Ordo console: htmx settings shared by every page.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="ordo-antiforgery"]');
  // Every non-GET htmx request carries the antiforgery token in a header (ASP.NET Core validates it).
  document.addEventListener('htmx:configRequest', function (e) {
    if (meta && e.detail.verb !== 'get') e.detail.headers[meta.dataset.header] = meta.content;
  });
  // A failed htmx request shows a toast instead of failing silently.
  document.addEventListener('htmx:responseError', function (e) {
    toast((e.detail.xhr && e.detail.xhr.status) + ' ' + (e.detail.xhr && e.detail.xhr.statusText || ''), 'danger');
  });
  document.addEventListener('htmx:sendError', function () { toast('Network error', 'danger'); });

  // Live dots show whether the live stream (htmx sse extension) is connected.
  function live(on) { document.querySelectorAll('.live-dot').forEach(function (d) { d.classList.toggle('on', on); }); }
  document.addEventListener('htmx:sseOpen', function () { live(true); });
  document.addEventListener('htmx:sseError', function () { live(false); });

  function toast(text, kind) {
    var box = document.getElementById('toasts');
    if (!box || !window.bootstrap) return;
    var el = document.createElement('div');
    el.className = 'toast align-items-center text-bg-' + (kind || 'secondary') + ' border-0';
    el.setAttribute('role', 'status');
    el.innerHTML = '<div class="d-flex"><div class="toast-body"></div><button type="button" class="btn-close btn-close-white me-2 m-auto" data-bs-dismiss="toast"></button></div>';
    el.querySelector('.toast-body').textContent = text;
    box.appendChild(el);
    new bootstrap.Toast(el, { delay: 4000 }).show();
    el.addEventListener('hidden.bs.toast', function () { el.remove(); });
  }
  window.ordoToast = toast;
})();
