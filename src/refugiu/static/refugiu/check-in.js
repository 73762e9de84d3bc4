/* The check-in screen, made better where JavaScript runs (without it, both forms post and the server
   answers):
   - the name search filters the list as one types, on the phone, without sending anything;
   - "Scan a QR code" opens the back camera and reads participants' codes with jsQR (vendor/jsqr, served by
     us); the first code read is sent by the code form, which checks the person in and reloads the page
     with the scanner on again (?scan=1). */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // --- The name search ---------------------------------------------------------------------------
  var search = document.querySelector("[data-name-search] input[name=q]");
  var none = document.querySelector("[data-name-none]");
  var index = document.querySelector("[data-letter-index]");
  if (search) {
    search.addEventListener("input", function () {
      var words = fold(search.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      document.querySelectorAll("ul.people").forEach(function (list) {
        var visible = 0;
        list.querySelectorAll(":scope > li").forEach(function (row) {
          var text = fold(row.querySelector(".who").textContent);
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          row.hidden = !match;
          if (match) { visible += 1; }
        });
        list.hidden = visible === 0;
        var heading = list.previousElementSibling;
        if (heading && heading.classList.contains("letter-heading")) { heading.hidden = visible === 0; }
        shown += visible;
      });
      if (none) { none.hidden = shown !== 0 || words.length === 0; }
      if (index) { index.hidden = words.length !== 0; }
    });
  }

  // --- The QR code scanner -----------------------------------------------------------------------------
  var box = document.querySelector("[data-scanner]");
  var form = document.querySelector("[data-scan-form]");
  var media = navigator.mediaDevices;
  if (!box || !form || !media || !media.getUserMedia || typeof window.jsQR !== "function") {
    return; // no camera here: the code is typed, or read by a hand scanner into the field
  }
  var video = box.querySelector("video");
  var startButton = box.querySelector("[data-scan-start]");
  var stopButton = box.querySelector("[data-scan-stop]");
  var status = box.querySelector("[data-scan-status]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var sent = false;
  box.hidden = false;
  // The code just sent is still in front of the camera when the page comes back with the scanner on: it is
  // not sent again until it has been out of sight for a moment (then showing it again says "already
  // checked in"). Kept for this tab only, and cleared with the rest when the session ends.
  var LAST = "refugiu-check-in-last-code";
  var ABSENT_FRAMES = 15;
  var last = window.sessionStorage.getItem(LAST);
  var absent = 0;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    startButton.hidden = false;
    stopButton.hidden = true;
  }

  // What a scan read: sent once, by the code form (the server says whom it checked in, or why not).
  function scanned(text) {
    if (sent) { return; }
    sent = true;
    window.sessionStorage.setItem(LAST, text);
    form.elements.code.value = text;
    form.elements.scanning.value = "1";
    stop();
    form.submit();
  }

  function frame() {
    if (!stream) { return; }
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      var scale = Math.min(1, 640 / video.videoWidth);
      var width = Math.round(video.videoWidth * scale);
      var height = Math.round(video.videoHeight * scale);
      canvas.width = width;
      canvas.height = height;
      context.drawImage(video, 0, 0, width, height);
      var code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
      var text = code && code.data;
      if (text && text !== last) { scanned(text); return; }
      absent = text ? 0 : absent + 1;
      if (absent >= ABSENT_FRAMES) { last = null; }
    }
    window.requestAnimationFrame(frame);
  }

  function start() {
    media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (camera) {
      stream = camera;
      video.srcObject = camera;
      video.hidden = false;
      startButton.hidden = true;
      stopButton.hidden = false;
      status.textContent = box.dataset.looking;
      return video.play();
    }).then(function () {
      window.requestAnimationFrame(frame);
    }).catch(function () {
      stop();
      status.textContent = box.dataset.denied;
    });
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  if (box.dataset.start === "1") { start(); }
})();
