// "Trực tuyến" and "Đã truy cập" on the admin's statistics page, refreshed without a
// reload. Loaded as a file (the admin's CSP allows no inline script).
(function () {
  "use strict";
  var box = document.querySelector("[data-stats-online-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-stats-online-url");
  var grouped = function (n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  };
  var refresh = function () {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var online = box.querySelector("[data-stats-online]");
        var visits = box.querySelector("[data-stats-visits]");
        if (online) online.textContent = grouped(data.online);
        if (visits) visits.textContent = grouped(data.visits);
      })
      .catch(function () {});
  };
  window.setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
