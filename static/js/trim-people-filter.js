// Filter the people of the "declare an incident" form as you type (name or team). Without script
// every person shows and the form works the same; ticked boxes stay ticked when hidden.
(function () {
  "use strict";
  var box = document.querySelector("[data-people-filter-box]");
  var input = document.getElementById("people-filter");
  var count = document.getElementById("people-filter-count");
  if (!box || !input) { return; }
  box.hidden = false;
  var people = Array.prototype.slice.call(document.querySelectorAll("[data-person]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-people-group]"));
  var label = count.querySelector("[data-count-label]");
  var number = count.querySelector("[data-count]");
  function update() {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    people.forEach(function (row) {
      var match = !query || row.getAttribute("data-person").indexOf(query) !== -1;
      var ticked = row.querySelector("input:checked");
      row.hidden = !(match || ticked);
      if (!row.hidden) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-person]:not([hidden])");
    });
    label.hidden = !query;
    number.textContent = query ? String(shown) : "";
  }
  input.addEventListener("input", update);
  // Enter in the search box filters; it must not send the form half-filled.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); update(); }
  });
})();
