// The console's only script (served from 'self'; the CSP allows no inline script).
// The history page's version slider shows the chosen version as it moves and
// loads it when the choice is made; without this script the Show button does it.
document.addEventListener("DOMContentLoaded", function () {
  var slider = document.getElementById("version");
  var output = document.getElementById("version-output");
  if (!slider || !slider.form) { return; }
  slider.addEventListener("input", function () {
    if (output) { output.textContent = slider.value; }
    slider.setAttribute("aria-valuetext", "version " + slider.value + " of " + slider.max);
  });
  slider.addEventListener("change", function () { slider.form.submit(); });
});
