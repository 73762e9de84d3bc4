// "Use my position" on the directory's search: only when the visitor presses the button does the browser
// ask them for their position; it is rounded to two decimals (about 1 km) here, before it goes anywhere,
// and sent as the search's "at" parameter. Nothing is stored: not here, not on the server. Without
// JavaScript (or without geolocation) the button stays hidden and the town, county or postcode field works.
(function () {
  "use strict";
  var button = document.getElementById("use-position");
  if (!button || !navigator.geolocation) { return; }
  var form = button.form;
  var status = document.getElementById("position-status");
  button.parentNode.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.finding;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      var at = form.querySelector("input[name=at]");
      if (!at) {
        at = document.createElement("input");
        at.type = "hidden";
        at.name = "at";
        form.appendChild(at);
      }
      at.value = position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2);
      form.querySelector("input[name=near]").value = "";
      form.querySelector("select[name=county]").value = "";
      form.submit();
    }, function () {
      status.textContent = button.dataset.failed;
      button.disabled = false;
    }, {enableHighAccuracy: false, maximumAge: 600000, timeout: 20000});
  });
})();
