/* The officer's exposure load over the last 90 days. Data comes from a json_script block; the page
   also has a table alternative and a one-sentence summary, so the chart adds nothing essential. */
(function () {
  "use strict";
  var holder = document.getElementById("exposure-chart");
  var source = document.getElementById("exposure-chart-data");
  if (!holder || !source || typeof Plotly === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  Plotly.newPlot(holder, [{
    x: data.dates,
    y: data.loads,
    type: "scatter",
    mode: "lines",
    line: { color: "#0072B2", width: 3 },  /* Okabe-Ito blue: safe for colour-blind readers */
    fill: "tozeroy",
    fillcolor: "rgba(0, 114, 178, 0.15)",
    name: data.axis,
    hovertemplate: "%{x|%d %b %Y}: %{y:.1f}<extra></extra>"
  }], {
    title: { text: data.title },
    margin: { t: 48, r: 16, b: 48, l: 56 },
    yaxis: { title: { text: data.axis }, rangemode: "tozero" },
    xaxis: { type: "date" },
    showlegend: false
  }, { displayModeBar: false, responsive: true });  /* no toolbar: its buttons would nest inside role="img" */
}());
