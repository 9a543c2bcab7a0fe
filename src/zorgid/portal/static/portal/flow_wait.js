// A page that waits for its flow: the start page for the ZORG-ID app (R-FLOW-LOGIN), the card step for the
// Desktop App (manual §3). One long request at a time to the status address (flows.status); as soon as the
// other side has answered, the page goes on. When the flow expires (5 minutes) the page says so, and when the
// holder answered Nee in the Desktop App (state "declined") it says that at once.
//
// Markup: the box [data-flow-wait] with data-status-url, data-expires-at and data-done-state (the state that
// means "go on": to the answer's "next" address, or by sending the form whose id is data-next-form). Inside
// it: [data-flow-state] (the waiting text), [data-flow-error], [data-flow-expired] (shown when expired),
// [data-flow-declined] (shown after a Nee; without it the answer's error text is shown in [data-flow-error]).
// On the page: [data-flow-hide-expired] (hidden when the flow can no longer go on) and [data-flow-restart] (the
// button that starts again, made the main one then).
(function () {
  "use strict";
  var box = document.querySelector("[data-flow-wait]");
  if (!box) { return; }
  var statusUrl = box.dataset.statusUrl;
  var expiresAt = Date.parse(box.dataset.expiresAt);
  var stopped = false;

  function each(selector, change) { Array.prototype.forEach.call(box.querySelectorAll(selector), change); }
  function eachOnPage(selector, change) { Array.prototype.forEach.call(document.querySelectorAll(selector), change); }

  function stop() {
    stopped = true;
    each("[data-flow-state]", function (element) { element.hidden = true; });
  }

  function offerRestart() {
    // hidden also where a style gives the element a display of its own (a form among the page's actions)
    eachOnPage("[data-flow-hide-expired]", function (element) { element.hidden = true; element.style.display = "none"; });
    eachOnPage("[data-flow-restart]", function (element) { element.classList.remove("secondary"); });
  }

  function showExpired() {
    stop();
    offerRestart();
    var expired = box.querySelector("[data-flow-expired]");
    expired.hidden = false;
    expired.focus();
  }

  function showDeclined(body) {
    var declined = box.querySelector("[data-flow-declined]");
    if (!declined) { showError(body); return; }
    stop();
    offerRestart();
    declined.hidden = false;
    declined.focus();
  }

  function showError(body) {
    stop();
    var error = body && body.error;
    var errorBox = box.querySelector("[data-flow-error]");
    if (!error || !errorBox) { return; }
    var lang = document.documentElement.lang === "en" ? "en" : "nl";
    errorBox.textContent = error.code + ": " + error.cause[lang] + " " + error.solution[lang];
    errorBox.hidden = false;
  }

  function goOn(body) {
    stop();
    if (body.next) { window.location.assign(body.next); return; }
    document.getElementById(box.dataset.nextForm).submit();
  }

  function poll() {
    if (stopped) { return; }
    fetch(statusUrl + "?wait=1", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
      .then(function (pair) {
        var response = pair[0], body = pair[1];
        // too many waits or requests at once: the server says when to ask again
        var later = body.retry_after || (response.status === 429 && Number(response.headers.get("Retry-After")));
        if (later) { window.setTimeout(poll, later * 1000); return; }
        if (body.state === "declined") { showDeclined(body); return; }
        if (!response.ok || body.state === "refused") { showError(body); return; }
        if (body.state === box.dataset.doneState) { goOn(body); return; }
        if (body.state === "expired") { showExpired(); return; }
        if (body.state === "pending") { poll(); return; }
        stop();  // nothing left to wait for (the flow was completed already)
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  window.setTimeout(showExpired, Math.max(0, expiresAt - Date.now()));
  poll();
}());
