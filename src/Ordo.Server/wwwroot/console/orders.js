// Order list keys: / search, j/k move, Enter open, x select. The list is replaced by htmx on filter and live
// refresh, so rows are looked up on every key press.
(function () {
  'use strict';
  var focused = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll('#orders-table tbody tr[data-test="order-row"]')); }
  function typing(e) { var t = e.target; return t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable); }
  function focusRow(i) {
    var list = rows();
    if (list.length === 0) return;
    focused = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (r, j) { r.classList.toggle('row-focus', j === focused); });
    list[focused].scrollIntoView({ block: 'nearest' });
  }
  function updateCount() {
    var n = document.querySelectorAll('#orders-results .row-check:checked').length;
    var label = document.getElementById('bulk-count');
    if (label) label.textContent = label.textContent.replace(/\d+/, String(n));
    rows().forEach(function (r) { var c = r.querySelector('.row-check'); r.classList.toggle('row-selected', !!(c && c.checked)); });
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape' && typing(e)) { e.target.blur(); return; }
    if (typing(e)) return;
    var list = rows();
    if (e.key === '/') { e.preventDefault(); var s = document.getElementById('order-search'); if (s) { s.focus(); s.select(); } }
    else if (e.key === 'j') { focusRow(focused + 1); }
    else if (e.key === 'k') { focusRow(focused < 0 ? 0 : focused - 1); }
    else if (e.key === 'Enter' && focused >= 0 && list[focused]) { window.location.href = list[focused].dataset.href; }
    else if (e.key === 'x' && focused >= 0 && list[focused]) {
      var box = list[focused].querySelector('.row-check');
      if (box) { box.checked = !box.checked; updateCount(); }
    }
  });
  document.addEventListener('change', function (e) {
    if (e.target.id === 'check-all') {
      document.querySelectorAll('#orders-results .row-check').forEach(function (c) { c.checked = e.target.checked; });
    }
    if (e.target.id === 'check-all' || e.target.classList.contains('row-check')) updateCount();
  });
  document.addEventListener('click', function (e) {
    var row = e.target.closest && e.target.closest('#orders-table tbody tr[data-test="order-row"]');
    if (!row || e.target.closest('a, input, button, label')) return;
    focusRow(rows().indexOf(row));
  });
  // After a refresh keep the focus on the same position, and the selection count right.
  document.addEventListener('htmx:afterSettle', function () { if (focused >= 0) focusRow(focused); updateCount(); });
})();
