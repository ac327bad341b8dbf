/* dtkg map: the départements' outlines drawn by Leaflet in the plane of their SVG (no tiles, no request), a circle
   per département that holds places or territories, sized by the grants received there. Every label is set with
   textContent on elements made here, never parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var map = L.map("map", { crs: L.CRS.Simple, zoomSnap: 0.25, minZoom: -2, maxZoom: 4, attributionControl: false });
  function ll(p) { return [-p[1], p[0]]; }
  var shaded = {};
  data.areas.forEach(function (a) { shaded[a[0]] = true; });
  var all = [];
  data.outlines.forEach(function (o) {
    var rings = o[2].map(function (ring) { return ring.map(ll); });
    var poly = L.polygon(rings, { weight: 0.6, color: "#888", fillColor: shaded[o[0]] ? "#56B4E9" : "#f2f2f2",
                                  fillOpacity: shaded[o[0]] ? 0.45 : 1, interactive: false });
    poly.addTo(map);
    all.push(poly.getBounds());
  });
  var bounds = all.reduce(function (b, x) { return b.extend(x); }, L.latLngBounds(all[0].getSouthWest(), all[0].getNorthEast()));
  map.fitBounds(bounds);
  var largest = data.areas.reduce(function (m, a) { return Math.max(m, a[4]); }, 0);
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }
  var circles = {};
  data.areas.forEach(function (a) {
    if (!a[2]) { return; }  // overseas: no outline in the package; listed in the table
    var radius = largest > 0 && a[4] > 0 ? 6 + 24 * Math.sqrt(a[4] / largest) : 6;
    var circle = L.circleMarker(ll(a[2]), { radius: radius, color: "#0072B2", weight: 2, fillColor: "#0072B2",
                                            fillOpacity: 0.35 });
    var tip = text("span", a[1] + (a[3] ? " — " + a[3] : ""), "map-label");
    circle.bindTooltip(tip, { permanent: true, direction: "right", offset: [radius, 0] });
    var box = document.createElement("div");
    box.className = "map-popup";
    box.appendChild(text("strong", a[1] + " (" + a[0] + ")"));
    if (a[3]) { box.appendChild(text("p", "Aides reçues : " + a[3])); }
    var list = document.createElement("ul");
    a[5].forEach(function (item) {
      var li = document.createElement("li");
      var name;
      if (item[1]) { name = text("a", item[0]); name.href = item[1]; } else { name = text("span", item[0]); }
      li.appendChild(name);
      li.appendChild(text("span", " (" + item[2] + ")" + (item[3] ? " : " + item[3] : ""), "note"));
      list.appendChild(li);
    });
    box.appendChild(list);
    if (a[6]) { box.appendChild(text("p", "… et " + a[6] + " autre(s) : voir le tableau et carte.csv", "note")); }
    circle.bindPopup(box, { maxWidth: 360 });
    circle.addTo(map);
    circles[a[0]] = circle;
  });
  document.documentElement.setAttribute("data-drawn", "true");
  window.dtkgMap = { ready: true, map: map, circles: circles,
                     open: function (code) { circles[code].openPopup(); return circles[code].getPopup().getElement(); } };
}());
