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
  // Horizontal bars: a module's name reads across the phone instead of being angled and clipped.
  // automargin lets plotly widen the left margin to fit the wrapped names.
  var layoutBase = { margin: { t: 40, r: 10, b: 50, l: 10 }, font: { size: 14 },
                     legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", traceorder: "normal" },
                     yaxis: { automargin: true, autorange: "reversed" }, xaxis: { automargin: true } };
  var config = { displayModeBar: false, responsive: true };  /* no toolbar: its buttons would nest inside role="img" */
  var LINE = 16, LINES = 2;  // characters a tick line holds at 390 px, and lines a name may take

  // A name split into lines of about LINE characters at spaces, shortened with an ellipsis past
  // LINES lines. Labels arrive HTML-escaped (training.reports.chart_label), so a cut never falls
  // inside an entity such as &amp;.
  function tick(label) {
    var lines = [], line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > LINE) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    if (lines.length > LINES) { lines = lines.slice(0, LINES); lines[LINES - 1] += "…"; }
    return lines.map(function (l) {
      if (l.length <= LINE + 1) { return l; }
      var cut = l.slice(0, LINE), amp = cut.lastIndexOf("&");
      if (amp >= 0 && cut.indexOf(";", amp) < 0) { cut = cut.slice(0, amp); }
      return cut + "…";
    }).join("<br>");
  }

  function show(id, traces, extra) {
    var el = document.getElementById(id);
    if (!el || !traces.length) { return; }
    el.hidden = false;
    var rows = traces[0].y.length;
    var layout = Object.assign({}, layoutBase, { height: 140 + rows * 52 }, extra || {});
    Plotly.newPlot(el, traces, layout, config);
  }

  function bar(name, labels, values, colour, pattern) {
    return { type: "bar", orientation: "h", name: name, y: labels.map(tick), x: values, text: values,
             textposition: "auto", customdata: labels, hovertemplate: "%{customdata}: %{x}<extra>" + name + "</extra>",
             marker: { color: colour, pattern: { shape: pattern || "" } } };
  }

  if (data.completion.length) {
    var labels = data.completion.map(function (r) { return r.label; });
    show("completion-chart", [
      bar(text.completed, labels, data.completion.map(function (r) { return r.completed; }), PALETTE.blue, ""),
      bar(text.open, labels, data.completion.map(function (r) { return r.open; }), PALETTE.orange, "/"),
      bar(text.overdue, labels, data.completion.map(function (r) { return r.overdue; }), PALETTE.vermillion, "x")
    ], { barmode: "stack", xaxis: { automargin: true, title: { text: text.assignments } } });
  }
  var evaluations = data.evaluation.reduce(function (n, r) { return n + r.count; }, 0);
  if (evaluations) {
    show("evaluation-chart", [
      bar(text.evaluations, data.evaluation.map(function (r) { return r.label; }),
          data.evaluation.map(function (r) { return r.count; }), PALETTE.green, "")
    ], { showlegend: false, xaxis: { automargin: true, title: { text: text.evaluations } } });
  }
  if (data.reach.length) {
    show("reach-chart", [
      bar(text.people, data.reach.map(function (r) { return r.label; }),
          data.reach.map(function (r) { return r.people; }), PALETTE.blue, "")
    ], { showlegend: false, xaxis: { automargin: true, title: { text: text.people } } });
  }
})();
