/* Charts of the supervisor's team pages. Each chart sits in a role="img" container named by its
   one-sentence summary, and the same figures are in a table beside it, so the chart adds nothing
   essential. Colours are Okabe-Ito (safe for colour-blind readers) and every series also differs by
   pattern (bars) or by marker and dash (lines), so colour never carries meaning alone. */
(function () {
  "use strict";
  var source = document.getElementById("team-chart-data");
  if (!source || typeof Plotly === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
  var PATTERNS = ["", "/", "x", "\\", ".", "+", "-", "|"];
  var SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"];
  var DASHES = ["solid", "dash", "dot", "dashdot"];
  var config = { displayModeBar: false, responsive: true };  /* no toolbar: its buttons would nest inside role="img" */

  function trace(chart, series, i) {
    var colour = series.colour || PALETTE[i % PALETTE.length];
    if (chart.kind === "bar") {
      return { type: "bar", name: series.name, x: chart.x, y: series.y,
               marker: { color: colour, line: { color: "#0b0c0c", width: 1 },
                         pattern: { shape: series.pattern !== undefined ? series.pattern : PATTERNS[i % PATTERNS.length] } } };
    }
    return { type: "scatter", mode: "lines+markers", name: series.name, x: chart.x, y: series.y, connectgaps: false,
             line: { color: colour, width: 3, dash: DASHES[i % DASHES.length], shape: chart.kind === "step" ? "hv" : "linear" },
             marker: { symbol: SYMBOLS[i % SYMBOLS.length], size: chart.kind === "step" ? 6 : 7, color: colour } };
  }

  (data.charts || []).forEach(function (chart) {
    var holder = document.getElementById(chart.id);
    if (!holder || !chart.x.length) { return; }
    var yaxis = { title: { text: chart.yTitle }, rangemode: "tozero", automargin: true };
    if (chart.yRange) { yaxis.range = chart.yRange; }
    if (chart.yTicks) {
      yaxis.tickvals = chart.yTicks.values;
      yaxis.ticktext = chart.yTicks.labels;
      yaxis.range = [-0.3, chart.yTicks.values.length - 0.7];
    }
    var xaxis = { automargin: true };
    if (chart.dates || chart.kind === "step") { xaxis.type = "date"; }
    if (chart.xRange) { xaxis.range = chart.xRange; }
    var layout = {
      barmode: "stack", margin: { t: 16, r: 8, b: 48, l: 56 }, font: { size: 14 },
      showlegend: chart.series.length > 1, legend: { orientation: "h", y: -0.2 },
      xaxis: xaxis, yaxis: yaxis
    };
    Plotly.newPlot(holder, chart.series.map(function (s, i) { return trace(chart, s, i); }), layout, config);
  });
}());
