// The card step (manual §3): open the ZORG-ID Desktop App, wait for its answer with one long request at a
// time, and go on to the next step as soon as the UZI-pas has been read. "Verversen" starts a new attempt.
(function () {
  "use strict";
  var box = document.getElementById("card");
  if (!box) { return; }
  var statusUrl = box.dataset.statusUrl;
  var expiresAt = Date.parse(box.dataset.expiresAt);
  var stateText = document.getElementById("card-state");
  var errorBox = document.getElementById("card-error");
  var stopped = false;

  function stop() { stopped = true; stateText.hidden = true; }

  function showExpired() { stop(); document.getElementById("card-expired").hidden = false; }

  function showError(body) {
    stop();
    var error = body && body.error;
    if (!error) { return; }
    var lang = document.documentElement.lang === "en" ? "en" : "nl";
    errorBox.textContent = error.code + ": " + error.cause[lang] + " " + error.solution[lang];
    errorBox.hidden = false;
  }

  function poll() {
    if (stopped) { return; }
    fetch(statusUrl + "?wait=1", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
      .then(function (pair) {
        var body = pair[1];
        // too many waits or requests at once: the server says when to ask again
        var later = body.retry_after || (pair[0].status === 429 && Number(pair[0].headers.get("Retry-After")));
        if (later) { window.setTimeout(poll, later * 1000); return; }
        if (!pair[0].ok || body.state === "refused") { showError(body); return; }
        if (body.state === "answered") { stop(); document.getElementById("card-next").submit(); return; }
        if (body.state === "expired") { showExpired(); return; }
        poll();
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  window.setTimeout(showExpired, Math.max(0, expiresAt - Date.now()));
  poll();
}());
