/* Counts this page view and the visitor's presence, then shows the fresh numbers.
 * The page HTML may come from a shared cache; the numbers rendered in it are the
 * fallback for readers without JavaScript. No inline script: CSP-friendly. */
(function () {
  "use strict";
  var widget = document.querySelector("[data-stats-endpoint]");
  if (!widget || !window.fetch || !window.JSON) {
    return;
  }
  var endpoint = widget.getAttribute("data-stats-endpoint");
  var counter = document.querySelector("[data-stats-page]");
  var body = {};
  if (counter) {
    body.page = parseInt(counter.getAttribute("data-stats-page"), 10);
  }
  var format = function (value) {
    return typeof value === "number" ? value.toLocaleString("vi-VN") : null;
  };
  var show = function (selector, value) {
    var element = document.querySelector(selector);
    var text = format(value);
    if (element && text !== null) {
      element.textContent = text;
    }
  };
  var update = function (data) {
    show("[data-stats-page]", data.views);
    show("[data-stats-online]", data.online);
    show("[data-stats-visits]", data.visits);
  };
  var send = function (retry) {
    fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      // 428: no reader cookie yet; the response set one, so ask once more.
      if (response.status === 428 && retry) {
        send(false);
        return null;
      }
      return response.ok || response.status === 428 ? response.json() : null;
    }).then(function (data) {
      if (data) {
        update(data);
      }
    }).catch(function () {
      /* Counting is best effort; the rendered numbers stay. */
    });
  };
  var start = function () {
    send(true);
  };
  // A prerendered page is counted only when the reader actually opens it.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", start, { once: true });
  } else {
    start();
  }
})();
