// Dashboard charts with ECharts; the tables beside them carry the same numbers for keyboards and screen readers.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function bars(id, series, color) {
    var chart = echarts.init(document.getElementById(id), null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 40, right: 16, top: 16, bottom: 70 },
      xAxis: { type: "category", data: series.labels, axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1 },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: series.values, itemStyle: { color: color }, label: { show: true, position: "top" } }],
    });
    return chart;
  }
  function industries(id, series) {
    var chart = echarts.init(document.getElementById(id), null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 150, right: 30, top: 10, bottom: 24 },
      yAxis: { type: "category", data: series.labels.slice().reverse(), axisLabel: { fontSize: 12 } },
      xAxis: { type: "value", minInterval: 1, max: function (v) { return Math.max(v.max, 3); } },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: series.values.slice().reverse(), itemStyle: { color: "#b71c1c" },
                 label: { show: true, position: "right" } }],
    });
    return chart;
  }
  var charts = [industries("chart-industry", data.industry), bars("chart-pipeline", data.pipeline, "#1565c0")];
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute("data-charts", "ready");
})();
