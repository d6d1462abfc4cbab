// compare reports: figures and the "Show code" toggle. The page's Content-Security-Policy runs
// no inline script: each figure is a JSON block (type application/json) drawn here.
(function () {
  "use strict";
  function drawFigures() {
    if (typeof Plotly === "undefined") { return; }
    var blocks = document.querySelectorAll("script.compare-plot-data");
    Array.prototype.forEach.call(blocks, function (block) {
      var target = block.previousElementSibling;
      if (!target || !target.classList.contains("compare-plot")) { return; }
      var figure = JSON.parse(block.textContent);
      Plotly.newPlot(target, figure.data || [], figure.layout || {}, figure.config || {});
    });
  }
  drawFigures();
  var button = document.getElementById("compare-toggle-code");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var hidden = document.body.classList.toggle("hide-code");
    button.textContent = hidden ? (button.dataset.show || "Show code")
      : (button.dataset.hide || "Hide code");
    button.setAttribute("aria-pressed", hidden ? "false" : "true");
  });
}());
