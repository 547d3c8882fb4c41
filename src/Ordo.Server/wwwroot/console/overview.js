// Overview charts: drawn from the JSON the page embeds, again after each live refresh of #overview-charts.
(function () {
  'use strict';
  var charts = [];
  function draw() {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    var data = document.getElementById('overview-data');
    if (!data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var bar = document.getElementById('chart-platforms');
    if (bar) {
      bar.dataset.drawn = '1';
      var c1 = echarts.init(bar);
      c1.setOption({
        grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: d.platforms.map(function (p) { return p.name; }) },
        series: [{ type: 'bar', data: d.platforms.map(function (p) { return p.value; }), itemStyle: { color: '#0d6efd' }, label: { show: true, position: 'right' } }]
      });
      charts.push(c1);
    }
    var pie = document.getElementById('chart-statuses');
    if (pie) {
      pie.dataset.drawn = '1';
      var c2 = echarts.init(pie);
      c2.setOption({
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        legend: { bottom: 0, type: 'scroll' },
        series: [{ type: 'pie', radius: ['40%', '70%'], center: ['50%', '45%'], data: d.statuses, label: { formatter: '{b} {c}' } }]
      });
      charts.push(c2);
    }
  }
  document.addEventListener('DOMContentLoaded', draw);
  // An outerHTML swap replaces the chart elements: draw again when undrawn ones are on the page.
  document.addEventListener('htmx:afterSettle', function () {
    if (document.querySelector('#chart-platforms:not([data-drawn]), #chart-statuses:not([data-drawn])')) draw();
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();
