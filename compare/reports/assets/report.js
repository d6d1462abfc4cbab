// compare reports: the "Show code" toggle (code cells are hidden by default).
(function () {
  "use strict";
  var button = document.getElementById("compare-toggle-code");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var hidden = document.body.classList.toggle("hide-code");
    button.textContent = hidden ? "Show code" : "Hide code";
    button.setAttribute("aria-pressed", hidden ? "false" : "true");
  });
}());
