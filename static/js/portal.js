/* Reader tools of the public pages: font size, copy link, print, search filters.
 * A static file (no inline script: strict CSP). Everything it drives is hidden in
 * the HTML and shown here, so readers without JavaScript see no dead buttons. */
(function () {
  "use strict";
  var root = document.documentElement;
  var STEPS = ["-1", "0", "1", "2"];
  var KEY = "portal-font-step";

  var read = function () {
    try {
      return window.localStorage.getItem(KEY);
    } catch (error) {
      return null; // storage refused (private mode): the size just isn't remembered
    }
  };
  var write = function (value) {
    try {
      window.localStorage.setItem(KEY, value);
    } catch (error) {
      /* not remembered */
    }
  };
  var apply = function (step) {
    if (STEPS.indexOf(step) < 0) {
      step = "0";
    }
    root.setAttribute("data-font-step", step);
    return step;
  };

  var current = apply(read() || "0");

  var fontSize = document.querySelector("[data-font-size]");
  if (fontSize) {
    fontSize.hidden = false;
    fontSize.addEventListener("click", function (event) {
      var button = event.target.closest("[data-font-step]");
      if (!button) {
        return;
      }
      var change = parseInt(button.getAttribute("data-font-step"), 10);
      var next = change === 0 ? 0 : parseInt(current, 10) + change;
      next = Math.max(-1, Math.min(2, next));
      current = apply(String(next));
      write(current);
    });
  }

  var status = document.querySelector("[data-copy-status]");
  var copy = document.querySelector("[data-copy-url]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.getAttribute("data-copy-url")).then(function () {
        if (status) {
          status.textContent = copy.getAttribute("data-copied-text");
        }
        copy.classList.add("is-done");
      });
    });
  }

  var print = document.querySelector("[data-print]");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () {
      window.print();
    });
  }

  // Search filters: folded on phones, open on wider screens.
  if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }
})();
