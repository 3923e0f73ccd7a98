// Suggestions as you type in a search box: titles and authors from /search/suggest/.
//
// Works on every <input data-search-suggest="URL"> (the header search box); the page
// stays a plain GET form without it. The box becomes an ARIA 1.2 combobox with a listbox
// popup: Arrow Down/Up move through the suggestions, Enter opens the active one (or
// submits the typed query when none is active), Escape closes the list, a click or tap
// opens a suggestion. Loaded from static files (no inline script: strict CSP).
(function () {
  "use strict";

  var DELAY = 120; // ms after the last key before asking
  var MIN_CHARS = 2; // as search/suggest.py

  function setUp(input, number) {
    var url = input.getAttribute("data-search-suggest");
    if (!url) {
      return;
    }
    var listId = (input.id || "search-suggest-" + number) + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var holder = input.form || input.parentNode;
    holder.classList.add("search-suggest-holder");
    holder.appendChild(list);
    holder.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var controller = null;
    var active = -1;
    var options = [];
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(option) {
      window.location.assign(option.getAttribute("data-url"));
    }

    function show(suggestions) {
      list.textContent = "";
      options = suggestions.map(function (suggestion, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.className = "search-suggest__option search-suggest__option--" + suggestion.type;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-url", suggestion.url);
        var label = document.createElement("span");
        label.textContent = suggestion.label; // text, never markup
        option.appendChild(label);
        if (suggestion.type === "author") {
          var kind = document.createElement("span");
          kind.className = "search-suggest__kind";
          kind.textContent = input.getAttribute("data-suggest-author") || "";
          option.appendChild(kind);
        }
        // mousedown, not click: the input's blur would close the list first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          go(option);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      var template = input.getAttribute("data-suggest-count") || "";
      status.textContent = options.length ? template.replace("{count}", options.length) : "";
    }

    function ask() {
      var typed = input.value.trim();
      if (typed === asked) {
        return;
      }
      asked = typed;
      if (controller) {
        controller.abort();
      }
      if (typed.length < MIN_CHARS) {
        show([]);
        return;
      }
      controller = new AbortController();
      var separator = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + separator + "q=" + encodeURIComponent(typed), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === typed) {
            show(data.suggestions || []);
          }
        })
        .catch(function () {
          // Aborted by a newer key press, or offline: the form still works.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        if (!open && options.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        if (options.length) {
          event.preventDefault();
          highlight(active + 1 >= options.length ? 0 : active + 1);
        }
      } else if (event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          highlight(active <= 0 ? options.length - 1 : active - 1);
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          go(options[active]);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", close);
  }

  var inputs = document.querySelectorAll("input[data-search-suggest]");
  for (var i = 0; i < inputs.length; i++) {
    setUp(inputs[i], i);
  }
})();
