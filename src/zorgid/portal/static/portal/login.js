// The start page waits for the ZORG-ID app (R-FLOW-LOGIN): one long request at a time to the status
// address; when the app has accepted, the server logs this browser in and we go to the overview.
// When the QR code expires (5 minutes) it is replaced by an image; a click shows a new QR code.
(function () {
  "use strict";
  var box = document.getElementById("login");
  if (!box) { return; }
  var statusUrl = box.dataset.statusUrl;
  var expiresAt = Date.parse(box.dataset.expiresAt);
  var stateText = document.getElementById("login-state");
  var errorText = document.getElementById("login-error");
  var stopped = false;

  function showExpired() {
    stopped = true;
    document.getElementById("qr").hidden = true;
    document.querySelector(".payload").hidden = true;
    stateText.hidden = true;
    var expired = document.getElementById("expired");
    expired.hidden = false;
    expired.focus();
  }

  function showError(body) {
    stopped = true;
    var error = body && body.error;
    var lang = document.documentElement.lang === "en" ? "en" : "nl";
    errorText.textContent = error ? error.code + ": " + error.cause[lang] + " " + error.solution[lang] : "";
    errorText.hidden = false;
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
        if (!pair[0].ok) { showError(body); return; }
        if (body.state === "done") { window.location.assign(body.next); return; }
        if (body.state === "expired") { showExpired(); return; }
        poll();
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  window.setTimeout(showExpired, Math.max(0, expiresAt - Date.now()));
  poll();
}());
