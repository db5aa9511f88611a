/* conflictmap control zones: GeoJSON polygons styled per faction and confidence (dashed outline,
   hatched fill), tooltips from pre-escaped HTML, snapshots chosen by the time slider. */
(function () {
  "use strict";
  if (!window.L || L.ConflictmapZones) { return; }
  var CM = window.Conflictmap;

  L.ConflictmapZones = L.FeatureGroup.extend({
    initialize: function (data, options) {
      L.FeatureGroup.prototype.initialize.call(this, [], options);
      this._data = data;
      this._items = [];
      this.options.noteId = data.noteId;
      for (var k = 0; k < data.features.length; k++) {
        var f = data.features[k], p = f.properties;
        var layer = L.geoJSON(f, { style: this._style(p), attribution: data.attribution || null });
        layer.bindTooltip(p.tip, { sticky: true, className: "cm-tooltip cm-zone-tooltip" });
        this._items.push({ layer: layer, from: p.from, to: p.to, asOf: p.as_of, hatch: p.hatch, color: p.color });
      }
      this._t = data.initial;
      this._apply();
    },

    _style: function (p) {
      return { color: p.color, weight: p.weight, dashArray: p.dash, fillColor: p.color, fillOpacity: p.fill_opacity, opacity: 0.95 };
    },

    _visibleAt: function (item, t) {
      if (t === null || t === undefined) { return true; }
      return (item.from === null || item.from <= t) && (item.to === null || item.to >= t);
    },

    setTimeRange: function (t0, t1) {
      this._t = (t1 === null || t1 === Infinity) ? this._data.initial : t1;
      this._apply();
    },

    _apply: function () {
      var latest = null, shown = 0;
      for (var k = 0; k < this._items.length; k++) {
        var it = this._items[k], vis = this._visibleAt(it, this._t);
        if (vis && !this.hasLayer(it.layer)) { this.addLayer(it.layer); }
        if (!vis && this.hasLayer(it.layer)) { this.removeLayer(it.layer); }
        if (vis) { shown++; if (it.asOf !== null && (latest === null || it.asOf > latest)) { latest = it.asOf; } }
      }
      this._shown = shown;
      this._hatch();
      var note = this.options.noteId && document.getElementById(this.options.noteId);
      if (note) { note.textContent = latest === null ? "as of: unknown" : "as of " + CM.dayToIso(latest); }
    },

    shownCount: function () { return this._shown; },

    onAdd: function (map) {
      L.FeatureGroup.prototype.onAdd.call(this, map);
      this._hatch();
    },

    /* Hatched fill for contested zones: an SVG pattern per colour in the overlay renderer. */
    _hatch: function () {
      if (!this._map) { return; }
      for (var k = 0; k < this._items.length; k++) {
        var it = this._items[k];
        if (!it.hatch || !this.hasLayer(it.layer)) { continue; }
        it.layer.eachLayer(function (path) {
          var renderer = path._renderer, el = path._path;
          if (!renderer || !renderer._container || !el || !renderer._container.createSVGRect) { return; }
          var svg = renderer._container, id = "cm-hatch-" + it.color.replace(/[^0-9a-zA-Z]/g, "");
          if (!svg.querySelector("#" + id)) {
            var ns = "http://www.w3.org/2000/svg", defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(ns, "defs"), svg.firstChild);
            var pat = document.createElementNS(ns, "pattern");
            pat.setAttribute("id", id); pat.setAttribute("patternUnits", "userSpaceOnUse");
            pat.setAttribute("width", "8"); pat.setAttribute("height", "8"); pat.setAttribute("patternTransform", "rotate(45)");
            var line = document.createElementNS(ns, "line");
            line.setAttribute("x1", "0"); line.setAttribute("y1", "0"); line.setAttribute("x2", "0"); line.setAttribute("y2", "8");
            line.setAttribute("stroke", it.color); line.setAttribute("stroke-width", "3"); line.setAttribute("stroke-opacity", "0.6");
            pat.appendChild(line); defs.appendChild(pat);
          }
          el.setAttribute("fill", "url(#" + id + ")");
          el.setAttribute("fill-opacity", "1");
        });
      }
    }
  });
})();
