// Forms marked data-processing show a spinner and cannot be sent twice while the server works (manual §3).
(function () {
  "use strict";
  document.querySelectorAll("form[data-processing]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      var note = form.querySelector(".processing");
      if (note) { note.hidden = false; }
    });
  });
}());
