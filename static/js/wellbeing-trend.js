// Trend charts for the officer's own check-in scores. Data comes from a json_script block (no
// inline script). Colour-blind-safe (Okabe-Ito blue and vermilion), and never colour alone: the
// cut-off is a dashed, labelled line, and every chart has a table and a sentence beside it.
(function () {
  "use strict";
  var source = document.getElementById("wellbeing-trends");
  if (!source || typeof Plotly === "undefined") {
    return;
  }
  var trends = JSON.parse(source.textContent);
  trends.forEach(function (trend) {
    var el = document.getElementById("trend-chart-" + trend.code);
    if (!el) {
      return;
    }
    var x = trend.points.map(function (p) { return p.date; });
    var y = trend.points.map(function (p) { return p.total; });
    // A check-in with an urgent answer is marked by shape and words, never colour alone, and its
    // hover text says so: its total on its own would read as reassuring (hazard H6).
    var notes = trend.points.map(function (p) { return p.urgent ? " (" + trend.labels.urgent + ")" : ""; });
    var symbols = trend.points.map(function (p) { return p.urgent ? "diamond" : "circle"; });
    var sizes = trend.points.map(function (p) { return p.urgent ? 12 : 7; });
    // A short series (one day, say) gets a few days either side so the axis reads as dates.
    var times = x.map(function (d) { return Date.parse(d); });
    var first = Math.min.apply(null, times);
    var last = Math.max.apply(null, times);
    var day = 24 * 60 * 60 * 1000;
    var xrange = last - first < 2 * day ? [new Date(first - 3 * day), new Date(last + 3 * day)] : undefined;
    var shapes = [];
    var annotations = [];
    if (trend.cutoff) {
      shapes.push({
        type: "line", xref: "paper", x0: 0, x1: 1, y0: trend.cutoff, y1: trend.cutoff,
        line: { color: "#D55E00", width: 2, dash: "dash" }
      });
      annotations.push({
        xref: "paper", x: 1, y: trend.cutoff, xanchor: "right", yanchor: "bottom", showarrow: false,
        text: trend.labels.cutoff, font: { color: "#0b0c0c" }
      });
    }
    Plotly.newPlot(el, [{
      x: x, y: y, type: "scatter", mode: "lines+markers", name: trend.name,
      line: { color: "#0072B2", width: 2 }, marker: { symbol: symbols, size: sizes, color: "#0072B2" },
      customdata: notes, hovertemplate: "%{x|%d %b %Y}: %{y}%{customdata}<extra></extra>"
    }], {
      height: 260, margin: { l: 40, r: 10, t: 10, b: 40 }, showlegend: false,
      yaxis: { range: [0, trend.max], title: { text: trend.labels.axis }, fixedrange: true },
      xaxis: { type: "date", fixedrange: true, tickformat: "%d %b", range: xrange },
      shapes: shapes, annotations: annotations
    }, { displayModeBar: false, responsive: true, staticPlot: false });
  });
})();
