/* conflictmap heatmap: Leaflet.heat drawn from an incidents layer's current selection. */
(function () {
  "use strict";
  if (!window.L || L.ConflictmapHeat || !L.heatLayer) { return; }
  L.ConflictmapHeat = L.Layer.extend({
    initialize: function (incidents, options) {
      L.setOptions(this, options);
      this._incidents = incidents;
      this._heat = L.heatLayer([], options);
      incidents.on("ready filter", this._refresh, this);
      var self = this;
      incidents.ready.then(function () { self._refresh(); });
    },
    _refresh: function () {
      var inc = this._incidents, d = inc._d;
      if (!d || !inc._active) { return; }
      var act = inc._active, pts = new Array(act.length);
      for (var k = 0; k < act.length; k++) { var i = act[k]; pts[k] = [d.lat[i] / 1e5, d.lon[i] / 1e5]; }
      this._heat.setLatLngs(pts);
    },
    onAdd: function (map) { this._heat.addTo(map); this._refresh(); },
    onRemove: function (map) { map.removeLayer(this._heat); }
  });
})();
