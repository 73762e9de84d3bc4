// The optional map of a "near" search (only when the operator set REFUGIU_MAP_TILES_URL): the centre and
// the page's results that have a position, drawn with Leaflet (served from our own static files). Results
// placed at a town's centre, for want of an address with coordinates, are drawn hollow. The list above it
// says everything the map shows; the map is an extra.
(function () {
  "use strict";
  var element = document.getElementById("directory-map");
  var source = document.getElementById("directory-map-data");
  if (!element || !source || !window.L) { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(element, {scrollWheelZoom: false}).setView(data.centre, 11);
  map.attributionControl.setPrefix(false);
  L.tileLayer(element.dataset.tiles, {attribution: element.dataset.attribution, maxZoom: 18}).addTo(map);
  L.circleMarker(data.centre, {radius: 5, color: "#8a1c1c", fillOpacity: 1}).addTo(map);
  var bounds = [data.centre];
  data.points.forEach(function (point) {
    var where = [point.latitude, point.longitude];
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    if (point.label) {
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(point.label));
    }
    L.circleMarker(where, {radius: 7, color: "#0b5394", fillOpacity: point.approximate ? 0 : 0.8})
      .bindPopup(popup).addTo(map);
    bounds.push(where);
  });
  if (bounds.length > 1) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 13}); }
})();
