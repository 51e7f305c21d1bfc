/* Shows only the exposure fields of the role chosen in "Role worked". Without this script every
   role's fields show and the server reads only those of the chosen role. Hidden fieldsets are also
   disabled, so they cannot take focus and are not sent. */
(function () {
  "use strict";
  var select = document.getElementById("id_role");
  var fieldsets = document.querySelectorAll(".role-fieldset");
  if (!select || !fieldsets.length) { return; }
  function show() {
    fieldsets.forEach(function (fs) {
      var on = fs.getAttribute("data-role") === select.value;
      fs.hidden = !on;
      fs.disabled = !on;
    });
  }
  select.addEventListener("change", show);
  show();
  /* After a refused save, the error summary takes focus (error-summary.js). */
}());
