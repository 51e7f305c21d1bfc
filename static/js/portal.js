/* Site-wide progressive enhancements (loaded on every page; no inline script anywhere). */
(function () {
  "use strict";
  /* A table that scrolls sideways on a narrow screen must be reachable with the keyboard
     (WCAG 2.1.1): make each scrolling wrapper a focusable, named region. */
  document.querySelectorAll(".table-responsive").forEach(function (wrapper) {
    if (wrapper.hasAttribute("tabindex")) { return; }
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    if (!wrapper.hasAttribute("aria-label") && !wrapper.hasAttribute("aria-labelledby")) {
      var caption = wrapper.querySelector("caption");
      var name = caption ? caption.textContent.trim() : "";
      wrapper.setAttribute("aria-label", name || document.title);
    }
  });
}());
