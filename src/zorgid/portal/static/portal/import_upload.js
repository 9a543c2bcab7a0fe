// The employee import's form (portal/_import_form.html): a file over the importer's limit is refused in the browser
// before it is sent, with the server's own code and text; the server refuses it all the same (portal/upload_limits.py).
(function () {
  "use strict";
  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var input = form.querySelector("input[type=file]");
    var message = form.querySelector("[data-too-large]");
    var button = form.querySelector("button[type=submit]");
    if (!input || !message || !button || !max) { return; }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooLarge = Boolean(file && file.size > max);
      message.hidden = !tooLarge;
      button.disabled = tooLarge;
      if (tooLarge) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
  });
}());
