// Follows a PDF being rendered by a worker: asks for its state every few seconds and, once
// it is no longer pending, reloads the page, which then offers the download (or the retry).
// Without JavaScript the page has a link to check by hand.
(function () {
  "use strict";
  var box = document.getElementById("pdf-stand");
  if (!box) {
    return;
  }
  var label = box.querySelector("[data-status-label]");
  var url = box.getAttribute("data-status-url");
  var delay = 1500;

  function check() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && !state.pending) {
          window.location.reload();
          return;
        }
        if (state && label.textContent !== state.label) {
          label.textContent = state.label;
        }
        delay = Math.min(delay * 1.5, 10000);
        window.setTimeout(check, delay);
      })
      .catch(function () {
        window.setTimeout(check, 10000);
      });
  }

  window.setTimeout(check, delay);
})();
