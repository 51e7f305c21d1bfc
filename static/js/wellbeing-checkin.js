// Check-in form: stop a second click from sending the form twice (the server also refuses to save a
// submission twice). The error summary's focus is error-summary.js's.
(function () {
  "use strict";
  document.querySelectorAll("form.checkin-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("[data-submit-once]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("disabled");
      });
    });
  });
})();
