/* conflictmap offline basemap: land, neighbours, admin boundaries, roads and labelled towns drawn
   from the package's own data, so a map is readable with no tiles. */
(function () {
  "use strict";
  if (!window.L || L.conflictmapBasemap) { return; }
  var CM = window.Conflictmap;

  function towns(list, style, pane, renderer) {
    var group = L.layerGroup();
    for (var k = 0; k < list.length; k++) {
      var t = list[k];
      var dot = L.circleMarker([t[1], t[0]], { radius: style.radius, color: "#fff", weight: 1, fillColor: style.fill,
        fillOpacity: 1, interactive: false, renderer: renderer });
      if (t[3]) {
        dot.bindTooltip(CM.esc(t[2]), { permanent: true, direction: "right", className: "cm-town-label", offset: [3, 0], pane: pane, interactive: false });
      }
      group.addLayer(dot);
    }
    return group;
  }

  /* data: {neighbours, land, admin1, roads: GeoJSON or null, towns: [[lon, lat, name, labelled]], style, attribution} */
  L.conflictmapBasemap = function (data) {
    var s = data.style, group = L.featureGroup([], { attribution: data.attribution || null });
    var pane = "conflictmapLabels";
    /* one canvas for the whole basemap: far cheaper to redraw after a move than many SVG paths */
    var renderer = L.canvas({ padding: 0.3 });
    function geo(d, st) { return L.geoJSON(d, { style: st, interactive: false, renderer: renderer }); }
    if (data.neighbours) { group.addLayer(geo(data.neighbours, { color: "#b5b5b5", weight: 0.8, fillColor: "#ecebe6", fillOpacity: 1 })); }
    if (data.land) { group.addLayer(geo(data.land, { color: s.land.stroke, weight: s.land.weight, fillColor: s.land.fill, fillOpacity: 1 })); }
    if (data.admin1) { group.addLayer(geo(data.admin1, { color: s.admin1.stroke, weight: s.admin1.weight, dashArray: s.admin1.dash, fill: false })); }
    if (data.roads) { group.addLayer(geo(data.roads, { color: s.roads.stroke, weight: s.roads.weight, fill: false })); }
    if (data.towns && data.towns.length) { group.addLayer(towns(data.towns, s.towns, pane, renderer)); }
    group.beforeAdd = function (map) {
      if (!map.getPane(pane)) { var el = map.createPane(pane); el.style.zIndex = 420; el.style.pointerEvents = "none"; }
    };
    group.on("add", function () {
      var map = group._map;
      if (map) { map.getContainer().style.background = s.background; group.bringToBack(); }
    });
    return group;
  };
})();
