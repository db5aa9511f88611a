/* conflictmap incidents layer: many events drawn on one canvas, clustered on a screen grid,
   with popups and tooltips built on demand from escaped properties. Needs core.js and Leaflet. */
(function () {
  "use strict";
  if (!window.L || L.ConflictmapIncidents) { return; }
  var CM = window.Conflictmap;
  var MAX_LIST = 50;

  function drawShape(ctx, shape, x, y, s) {
    ctx.beginPath();
    switch (shape) {
      case "square": ctx.rect(x - s * 0.85, y - s * 0.85, s * 1.7, s * 1.7); break;
      case "triangle":
        ctx.moveTo(x, y - s * 1.1); ctx.lineTo(x + s, y + s * 0.75); ctx.lineTo(x - s, y + s * 0.75);
        ctx.closePath(); break;
      case "diamond":
        ctx.moveTo(x, y - s * 1.15); ctx.lineTo(x + s, y); ctx.lineTo(x, y + s * 1.15); ctx.lineTo(x - s, y);
        ctx.closePath(); break;
      case "star":
        for (var k = 0; k < 10; k++) {
          var r = k % 2 === 0 ? s * 1.25 : s * 0.55, a = Math.PI / 5 * k - Math.PI / 2;
          if (k === 0) { ctx.moveTo(x + r * Math.cos(a), y + r * Math.sin(a)); } else { ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a)); }
        }
        ctx.closePath(); break;
      case "cross":
        var w = s * 0.38;
        ctx.moveTo(x - w, y - s); ctx.lineTo(x + w, y - s); ctx.lineTo(x + w, y - w); ctx.lineTo(x + s, y - w);
        ctx.lineTo(x + s, y + w); ctx.lineTo(x + w, y + w); ctx.lineTo(x + w, y + s); ctx.lineTo(x - w, y + s);
        ctx.lineTo(x - w, y + w); ctx.lineTo(x - s, y + w); ctx.lineTo(x - s, y - w); ctx.lineTo(x - w, y - w);
        ctx.closePath(); break;
      case "hexagon":
        for (var h = 0; h < 6; h++) {
          var b = Math.PI / 3 * h;
          if (h === 0) { ctx.moveTo(x + s * Math.cos(b), y + s * Math.sin(b)); } else { ctx.lineTo(x + s * Math.cos(b), y + s * Math.sin(b)); }
        }
        ctx.closePath(); break;
      default: ctx.arc(x, y, s, 0, Math.PI * 2);
    }
  }

  function popupHtml(d, cols, i, typeIndex) {
    var t = d.types[typeIndex] || { label: "" };
    var parts = ['<div class="cm-popup">'];
    var sub = CM.column(cols.sub_event_type, i);
    parts.push('<div class="cm-popup-title"><span class="cm-swatch" style="background:' + CM.esc(t.color) + '"></span>' +
      CM.esc(t.label) + (sub ? ' &middot; ' + CM.esc(sub) : "") + "</div><table>");
    for (var f = 0; f < d.fields.length; f++) {
      var field = d.fields[f], value = CM.column(cols[field.key], i), cell;
      if (field.kind === "quote" || field.kind === "hidden") { continue; }
      if (field.kind === "url") {
        var label = CM.column(cols[field.text], i) || value, url = CM.safeUrl(value);
        if (!label) { continue; }
        cell = url ? '<a href="' + CM.esc(url) + '" target="_blank" rel="noopener noreferrer">' + CM.esc(label) + "</a>" : CM.esc(label);
      } else {
        if (value === null || value === undefined || value === "") { continue; }
        cell = CM.esc(value);
      }
      parts.push("<tr><th>" + CM.esc(field.label) + "</th><td>" + cell + "</td></tr>");
    }
    parts.push("</table>");
    for (var q = 0; q < d.fields.length; q++) {
      var qf = d.fields[q], quote = CM.column(cols[qf.key], i);
      if (qf.kind === "quote" && quote) {
        parts.push('<div class="cm-quote-label">' + CM.esc(qf.label) + '</div><blockquote class="cm-quote">' + CM.esc(quote) + "</blockquote>");
      }
    }
    parts.push("</div>");
    return parts.join("");
  }

  function tooltipText(d, cols, i, typeIndex) {
    var t = d.types[typeIndex] || { label: "" };
    var bits = [CM.column(cols.date, i), t.label, CM.column(cols.location, i)];
    return CM.esc(bits.filter(function (b) { return b; }).join(" · "));
  }

  L.ConflictmapIncidents = L.Layer.extend({
    options: { pane: "conflictmapIncidents", paneZIndex: 450, cellSize: 56, clusterMaxZoom: 12, colocatedCell: 10, markerSize: 6.5, padding: 0.15 },

    initialize: function (payload, options) {
      L.setOptions(this, options);
      this._t0 = -Infinity; this._t1 = Infinity;
      this._hidden = {};
      this._drawn = [];
      this._stats = { total: 0, active: 0, drawnEvents: 0, clusters: 0, singles: 0, undated: 0, unresolvedShown: 0 };
      var self = this;
      this.ready = CM.decode(payload).then(function (d) { self._setData(d); return self; });
    },

    _setData: function (d) {
      this._d = d;
      var n = d.n, mx = new Float64Array(n), my = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var lon = d.lon[i] / 1e5, lat = d.lat[i] / 1e5;
        var s = Math.sin(lat * Math.PI / 180);
        s = Math.min(Math.max(s, -0.9999), 0.9999);
        mx[i] = (lon + 180) / 360;
        my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      }
      this._mx = mx; this._my = my;
      this._stats.total = n;
      this._filter();
      if (this._map) { this._redraw(); }
      this.fire("ready");
    },

    setTimeRange: function (t0, t1) {
      this._t0 = t0 === null ? -Infinity : t0;
      this._t1 = t1 === null ? Infinity : t1;
      if (!this._d) { return; }
      this._filter();
      if (this._map) { this._redraw(); }
      this.fire("filter");
    },

    /* Hide or show one event type (index into payload types), e.g. from the legend. */
    setTypeVisible: function (typeIndex, visible) {
      this._hidden[typeIndex] = !visible;
      if (!this._d) { return; }
      this._filter();
      if (this._map) { this._redraw(); }
    },

    _keep: function (day, type) {
      if (this._hidden[type]) { return false; }
      return day < 0 || (day >= this._t0 && day <= this._t1);
    },

    _filter: function () {
      var d = this._d, out = new Int32Array(d.n), k = 0, undated = 0;
      for (var i = 0; i < d.n; i++) {
        if (this._keep(d.day[i], d.type[i])) { out[k++] = i; if (d.day[i] < 0) { undated++; } }
      }
      this._active = out.subarray(0, k);
      this._stats.active = k;
      this._stats.undated = undated;
      var u = d.unresolved, shown = [];
      if (u) {
        for (var j = 0; j < u.n; j++) { if (this._keep(u.day[j], u.type[j])) { shown.push(j); } }
      }
      this._unresolvedShown = shown;
      this._stats.unresolvedShown = shown.length;
    },

    /* Indices (into the unresolved table) of unresolved events in the current time range. */
    unresolvedShown: function () { return this._unresolvedShown || []; },
    unresolvedHtml: function (j) { return popupHtml(this._d, this._d.unresolved.cols, j, this._d.unresolved.type[j]); },
    stats: function () { return L.extend({}, this._stats); },

    beforeAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        pane.style.zIndex = this.options.paneZIndex;
        pane.style.pointerEvents = "none";
      }
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-hide conflictmap-incidents");
      this.getPane().appendChild(this._canvas);
      map.on("moveend viewreset resize", this._redraw, this);
      map.on("zoomstart", this._hide, this);
      map.on("click", this._onClick, this);
      map.on("mousemove", this._onMove, this);
      map.on("mouseout", this._closeTooltip, this);
      this._redraw();
    },

    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend viewreset resize", this._redraw, this);
      map.off("zoomstart", this._hide, this);
      map.off("click", this._onClick, this);
      map.off("mousemove", this._onMove, this);
      map.off("mouseout", this._closeTooltip, this);
      this._closeTooltip();
      this._drawn = [];
    },

    _hide: function () { if (this._canvas) { this._canvas.style.visibility = "hidden"; } },

    _redraw: function () {
      if (!this._map || !this._d || !this._canvas) { return; }
      var map = this._map, d = this._d, size = map.getSize(), padX = Math.round(size.x * this.options.padding),
        padY = Math.round(size.y * this.options.padding), w = size.x + 2 * padX, hgt = size.y + 2 * padY;
      var topLeft = map.containerPointToLayerPoint([-padX, -padY]);
      var dpr = window.devicePixelRatio || 1, canvas = this._canvas;
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(hgt * dpr);
      canvas.style.width = w + "px"; canvas.style.height = hgt + "px";
      canvas.style.visibility = "visible";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, hgt);

      var zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom), origin = map.getPixelOrigin();
      var wx0 = origin.x + topLeft.x, wy0 = origin.y + topLeft.y;
      this._frame = { wx0: wx0, wy0: wy0, topLeft: topLeft, scale: scale };
      var cell = zoom >= this.options.clusterMaxZoom ? this.options.colocatedCell : this.options.cellSize;
      var grid = new Map(), groups = [], act = this._active, mx = this._mx, my = this._my;
      for (var a = 0; a < act.length; a++) {
        var i = act[a], wx = mx[i] * scale, wy = my[i] * scale, sx = wx - wx0, sy = wy - wy0;
        if (sx < 0 || sy < 0 || sx > w || sy > hgt) { continue; }
        var key = Math.floor(wx / cell) * 16777216 + Math.floor(wy / cell), g = grid.get(key);
        if (g === undefined) { g = { n: 0, sx: 0, sy: 0, members: [] }; grid.set(key, g); groups.push(g); }
        g.n++; g.sx += sx; g.sy += sy; g.members.push(i);
      }
      var singles = [], clusters = [], drawnEvents = 0;
      for (var gi = 0; gi < groups.length; gi++) {
        var grp = groups[gi];
        drawnEvents += grp.n;
        if (grp.n === 1) { singles.push(grp.members[0]); } else { clusters.push(grp); }
      }
      this._drawUncertainty(ctx, singles, wx0, wy0, scale, zoom);
      var drawn = [], ms = this.options.markerSize;
      ctx.lineWidth = 1.2;
      for (var si = 0; si < singles.length; si++) {
        var e = singles[si], t = d.types[d.type[e]], x = mx[e] * scale - wx0, y = my[e] * scale - wy0;
        ctx.fillStyle = t.color; ctx.strokeStyle = "#222";
        drawShape(ctx, t.shape, x, y, ms);
        ctx.fill(); ctx.stroke();
        drawn.push({ x: x, y: y, r: ms + 2, members: [e] });
      }
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      for (var ci = 0; ci < clusters.length; ci++) {
        var c = clusters[ci], cx = c.sx / c.n, cy = c.sy / c.n, r = 11 + 4 * Math.log(c.n) / Math.LN10;
        var counts = {}, best = -1, bestN = 0;
        for (var m = 0; m < c.members.length; m++) {
          var ty = d.type[c.members[m]]; counts[ty] = (counts[ty] || 0) + 1;
          if (counts[ty] > bestN) { bestN = counts[ty]; best = ty; }
        }
        ctx.beginPath(); ctx.arc(cx, cy, r + 3, 0, Math.PI * 2); ctx.fillStyle = "rgba(255,255,255,0.75)"; ctx.fill();
        ctx.beginPath(); ctx.arc(cx, cy, r, 0, Math.PI * 2);
        ctx.fillStyle = d.types[best].color; ctx.globalAlpha = 0.88; ctx.fill(); ctx.globalAlpha = 1;
        ctx.strokeStyle = "#222"; ctx.lineWidth = 1; ctx.stroke();
        ctx.fillStyle = "#fff"; ctx.font = "bold " + (r > 15 ? 12 : 11) + "px sans-serif";
        ctx.strokeStyle = "rgba(0,0,0,0.55)"; ctx.lineWidth = 2.5;
        var label = c.n >= 10000 ? Math.round(c.n / 1000) + "k" : String(c.n);
        ctx.strokeText(label, cx, cy); ctx.fillText(label, cx, cy);
        drawn.push({ x: cx, y: cy, r: r + 2, members: c.members, counts: counts });
      }
      this._drawn = drawn;
      this._stats.drawnEvents = drawnEvents;
      this._stats.clusters = clusters.length;
      this._stats.singles = singles.length;
      this.fire("redraw");
    },

    _drawUncertainty: function (ctx, singles, wx0, wy0, scale, zoom) {
      var d = this._d, mx = this._mx, my = this._my, seen = {};
      var metresPerPixelEquator = 40075016.686 / scale;
      ctx.save();
      for (var k = 0; k < singles.length; k++) {
        var e = singles[k], p = d.prec[e], color = d.types[d.type[e]].color;
        if (p === 2) {
          var lat = d.lat[e] / 1e5, radius = (d.rad ? d.rad[e] : d.p2radius) / (metresPerPixelEquator * Math.cos(lat * Math.PI / 180));
          if (radius < 3) { continue; }
          ctx.beginPath(); ctx.arc(mx[e] * scale - wx0, my[e] * scale - wy0, radius, 0, Math.PI * 2);
          ctx.fillStyle = color; ctx.globalAlpha = 0.12; ctx.fill();
          ctx.globalAlpha = 0.7; ctx.strokeStyle = color; ctx.lineWidth = 1.2; ctx.setLineDash([4, 3]); ctx.stroke();
        } else if (p === 3 && (!d.poly || d.poly[e] < 0)) {
          var la3 = d.lat[e] / 1e5, r3 = d.p3radius / (metresPerPixelEquator * Math.cos(la3 * Math.PI / 180));
          if (r3 < 3) { continue; }
          ctx.beginPath(); ctx.arc(mx[e] * scale - wx0, my[e] * scale - wy0, r3, 0, Math.PI * 2);
          ctx.globalAlpha = 0.85; ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.setLineDash([6, 4]); ctx.stroke();
        } else if (p === 3 && !seen[d.poly[e]]) {
          seen[d.poly[e]] = true;
          var rings = d.polys[d.poly[e]];
          ctx.beginPath();
          for (var r = 0; r < rings.length; r++) {
            var ring = rings[r];
            for (var v = 0; v < ring.length; v += 2) {
              var lon = ring[v] / 1e5, la = ring[v + 1] / 1e5, s = Math.sin(la * Math.PI / 180);
              var px = (lon + 180) / 360 * scale - wx0, py = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale - wy0;
              if (v === 0) { ctx.moveTo(px, py); } else { ctx.lineTo(px, py); }
            }
            ctx.closePath();
          }
          ctx.globalAlpha = 0.08; ctx.fillStyle = color; ctx.fill("evenodd");
          ctx.globalAlpha = 0.85; ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.setLineDash([6, 4]); ctx.stroke();
        }
      }
      ctx.restore();
    },

    _hit: function (containerPoint) {
      if (!this._frame) { return null; }
      var pad = this._map.containerPointToLayerPoint([0, 0]).subtract(this._frame.topLeft);
      var x = containerPoint.x + pad.x, y = containerPoint.y + pad.y, best = null, bestD = Infinity;
      for (var k = 0; k < this._drawn.length; k++) {
        var it = this._drawn[k], dx = it.x - x, dy = it.y - y, dd = dx * dx + dy * dy;
        if (dd <= it.r * it.r && dd < bestD) { best = it; bestD = dd; }
      }
      return best;
    },

    _latLngOf: function (i) { return L.latLng(this._d.lat[i] / 1e5, this._d.lon[i] / 1e5); },

    _onClick: function (ev) {
      var it = this._hit(ev.containerPoint);
      if (!it) { return; }
      var d = this._d, members = it.members;
      if (members.length === 1) {
        this._openPopup(this._latLngOf(members[0]), popupHtml(d, d.cols, members[0], d.type[members[0]]));
        return;
      }
      var bounds = L.latLngBounds([]);
      for (var k = 0; k < members.length; k++) { bounds.extend(this._latLngOf(members[k])); }
      var map = this._map, sameSpot = bounds.getNorthEast().equals(bounds.getSouthWest(), 1e-6);
      if (!sameSpot && map.getZoom() < map.getMaxZoom() && map.getZoom() < this.options.clusterMaxZoom + 3) {
        map.fitBounds(bounds.pad(0.2), { maxZoom: Math.max(map.getZoom() + 1, Math.min(this.options.clusterMaxZoom, map.getMaxZoom())) });
        return;
      }
      var html = ['<div class="cm-popup-list"><div class="cm-popup-count">' + members.length + " events here</div>"];
      for (var j = 0; j < Math.min(members.length, MAX_LIST); j++) {
        html.push(popupHtml(d, d.cols, members[j], d.type[members[j]]));
      }
      if (members.length > MAX_LIST) { html.push('<div class="cm-more">and ' + (members.length - MAX_LIST) + " more: zoom in or narrow the time range</div>"); }
      html.push("</div>");
      this._openPopup(bounds.getCenter(), html.join(""));
    },

    _openPopup: function (latlng, html) {
      this._closeTooltip();
      L.popup({ maxWidth: 360, maxHeight: 320, className: "cm-leaflet-popup" }).setLatLng(latlng).setContent(html).openOn(this._map);
    },

    _onMove: function (ev) {
      var self = this;
      if (this._moveQueued) { this._moveEv = ev; return; }
      this._moveQueued = true; this._moveEv = ev;
      L.Util.requestAnimFrame(function () {
        self._moveQueued = false;
        if (!self._map) { return; }
        var it = self._hit(self._moveEv.containerPoint), d = self._d;
        var container = self._map.getContainer();
        container.style.cursor = it ? "pointer" : "";
        if (it) { L.DomUtil.addClass(container, "cm-over-incident"); } else { L.DomUtil.removeClass(container, "cm-over-incident"); }
        if (!it) { self._closeTooltip(); return; }
        var text;
        if (it.members.length === 1) {
          text = tooltipText(d, d.cols, it.members[0], d.type[it.members[0]]);
        } else {
          var lines = [];
          for (var ty in it.counts) { lines.push(CM.esc(d.types[ty].label) + ": " + it.counts[ty]); }
          text = "<b>" + it.members.length + " events</b><br>" + lines.join("<br>");
        }
        if (!self._tooltip) { self._tooltip = L.tooltip({ direction: "top", offset: [0, -8], className: "cm-tooltip" }); }
        var latlng = it.members.length === 1 ? self._latLngOf(it.members[0]) : self._map.containerPointToLatLng(self._moveEv.containerPoint);
        self._tooltip.setLatLng(latlng).setContent(text);
        if (!self._map.hasLayer(self._tooltip)) { self._tooltip.addTo(self._map); }
      });
    },

    _closeTooltip: function () {
      if (this._tooltip && this._map && this._map.hasLayer(this._tooltip)) { this._map.removeLayer(this._tooltip); }
    }
  });

  /* Panel listing events that have no point (unresolved places), following the time range. */
  L.Control.ConflictmapUnresolved = L.Control.extend({
    options: { position: "bottomleft", title: "Not on the map" },
    initialize: function (layer, options) { L.setOptions(this, options); this._layer = layer; },
    onAdd: function () {
      var div = L.DomUtil.create("div", "cm-unresolved leaflet-bar");
      var details = L.DomUtil.create("details", "", div);
      this._summary = L.DomUtil.create("summary", "", details);
      this._list = L.DomUtil.create("div", "cm-unresolved-list", details);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var self = this;
      details.addEventListener("toggle", function () { self._open = details.open; self._render(); });
      this._layer.on("filter ready", this._render, this);
      this._layer.ready.then(function () { self._render(); });
      return div;
    },
    onRemove: function () { this._layer.off("filter ready", this._render, this); },
    _render: function () {
      var shown = this._layer.unresolvedShown();
      this._summary.textContent = this.options.title + ": " + shown.length + (shown.length === 1 ? " event" : " events");
      if (!this._open) { this._list.innerHTML = ""; return; }
      var html = [];
      for (var k = 0; k < shown.length; k++) { html.push(this._layer.unresolvedHtml(shown[k])); }
      this._list.innerHTML = html.join("");
    }
  });
})();
