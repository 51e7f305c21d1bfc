// Show only the field that matches the chosen target kind. Without script every field shows
// and the form still works; hidden fields keep their values so nothing typed is lost.
(function () {
  "use strict";
  var form = document.getElementById("assign-form");
  if (!form) { return; }
  function update() {
    var checked = form.querySelector("input[name=target]:checked");
    var kind = checked ? checked.value : "";
    form.querySelectorAll("[data-target]").forEach(function (block) {
      var kinds = block.getAttribute("data-target").split(" ");
      block.hidden = kinds.indexOf(kind) === -1;
    });
  }
  form.querySelectorAll("input[name=target]").forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
