// Charts for the training reports. Every chart repeats a table on the page, so the tables stay
// the accessible source; charts use the Okabe-Ito colour-blind-safe palette plus patterns and
// value labels, so colour never carries meaning alone.
(function () {
  "use strict";
  var source = document.getElementById("training-chart-data");
  if (!source || typeof Plotly === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var text = data.text;  // translated labels from the page
  var PALETTE = { blue: "#0072B2", orange: "#E69F00", vermillion: "#D55E00", green: "#009E73" };
  var layoutBase = { margin: { t: 20, r: 10, b: 120, l: 50 }, font: { size: 14 }, legend: { orientation: "h", y: 1.15 } };
  var config = { displayModeBar: false, responsive: true };  /* no toolbar: its buttons would nest inside role="img" */

  function show(id, traces, extra) {
    var el = document.getElementById(id);
    if (!el || !traces.length) { return; }
    el.hidden = false;
    Plotly.newPlot(el, traces, Object.assign({}, layoutBase, extra || {}), config);
  }

  function bar(name, x, y, colour, pattern) {
    return { type: "bar", name: name, x: x, y: y, text: y, textposition: "auto",
             marker: { color: colour, pattern: { shape: pattern || "" } } };
  }

  if (data.completion.length) {
    var labels = data.completion.map(function (r) { return r.label; });
    show("completion-chart", [
      bar(text.completed, labels, data.completion.map(function (r) { return r.completed; }), PALETTE.blue, ""),
      bar(text.open, labels, data.completion.map(function (r) { return r.open; }), PALETTE.orange, "/"),
      bar(text.overdue, labels, data.completion.map(function (r) { return r.overdue; }), PALETTE.vermillion, "x")
    ], { barmode: "stack", yaxis: { title: { text: text.assignments } } });
  }
  var evaluations = data.evaluation.reduce(function (n, r) { return n + r.count; }, 0);
  if (evaluations) {
    show("evaluation-chart", [
      bar(text.evaluations, data.evaluation.map(function (r) { return r.label; }),
          data.evaluation.map(function (r) { return r.count; }), PALETTE.green, "")
    ], { showlegend: false, yaxis: { title: { text: text.evaluations } } });
  }
  if (data.reach.length) {
    show("reach-chart", [
      bar(text.people, data.reach.map(function (r) { return r.label; }),
          data.reach.map(function (r) { return r.people; }), PALETTE.blue, "")
    ], { showlegend: false, yaxis: { title: { text: text.people } } });
  }
})();
