/* Dashboard charts. Each chart's figures come from a JSON script next to its canvas (the same data as
   the table under it), so a panel swapped in by htmx — refresh or live push — draws its own chart.
   Series differ by line pattern and point shape as well as colour, so they read without colour. */
(function () {
  "use strict";
  var STYLES = {
    solid: { borderDash: [], pointStyle: "circle", color: "#1f5fbf" },
    dashed: { borderDash: [6, 4], pointStyle: "triangle", color: "#a86400" }
  };

  function draw(canvas) {
    if (typeof Chart === "undefined" || Chart.getChart(canvas)) return;
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source) return;
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var datasets = data.datasets.map(function (set) {
      var style = STYLES[set.pattern] || STYLES.solid;
      return {
        label: set.label, data: set.data, borderColor: style.color, backgroundColor: style.color,
        borderDash: style.borderDash, pointStyle: style.pointStyle, pointRadius: 4, borderWidth: 2, tension: 0
      };
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart-source]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || typeof Chart === "undefined") return;
    target.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
      var chart = Chart.getChart(canvas);
      if (chart) chart.destroy();
    });
  });
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
