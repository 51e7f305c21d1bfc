/* GOV.UK error summary (templates/portal/_error_summary.html): on load, focus moves to the summary
   so a screen reader announces it; a link in it moves focus to the field in error (a plain link to
   an id only scrolls), with the field's label or legend scrolled into view above it. */
(function () {
  "use strict";
  // the shared partial marks its summary; the few pages with a summary of their own use the same id
  var summary = document.querySelector("[data-error-summary]") || document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    var label = field.id ? document.querySelector("label[for='" + field.id + "']") : null;
    var context = field.closest("table") || legend || label;
    field.focus({ preventScroll: true });
    if (context && context.getClientRects().length) { context.scrollIntoView(); }
    field.scrollIntoView({ block: "nearest" });
  });
}());
