// Follows a PDF being rendered or an export being written by a worker: asks for its state
// every few seconds and, once it is no longer pending or its stage changed (it started, or
// hangs and may be asked for again), reloads the page, which then says so and offers the
// download or the retry. Meanwhile an export's page shows how many rows are written.
// Without JavaScript the page has a link to check by hand.
(function () {
  "use strict";
  var box = document.getElementById("pdf-stand") || document.getElementById("job-stand");
  if (!box) {
    return;
  }
  var progress = document.getElementById("job-progress");
  var url = box.getAttribute("data-status-url");
  var stage = box.getAttribute("data-stage");
  // The first look after a second: an overview of 404 jobcenters is done after about two,
  // and each wait after is half as long again (1, 2.5, 4.75 s …), at most 10 s.
  var delay = 1000;

  function check() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && (!state.pending || state.stage !== stage)) {
          window.location.reload();
          return;
        }
        if (state && progress && state.progress) {
          progress.textContent = state.progress;
          delay = 1000; // it moves on: keep up with it
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
