/* conflictmap place labels: page text (absolutely positioned elements in a Leaflet pane, so Ctrl+F and
   screen readers find them), placed in priority order with no two overlapping, redone on every move,
   zoom and time change. Places of the events shown come first. Needs core.js and Leaflet.
   Payload (see conflictmap/maps/labels.py): {n, script, tiers: [{key, area}], x, y, scale, t, z, zmax,
   en, ar, fallback, ev: {i, d0, d1}, max}. */
(function () {
  "use strict";
  if (!window.L || L.ConflictmapLabels) { return; }
  var CM = window.Conflictmap;
  var CELL = 64;

  function boxesOverlap(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  /* Boxes already placed, hashed on a screen grid of CELL pixels. */
  function Grid() { this.cells = new Map(); }
  Grid.prototype.keys = function (b) {
    var out = [], x0 = Math.floor(b[0] / CELL), x1 = Math.floor(b[2] / CELL), y0 = Math.floor(b[1] / CELL), y1 = Math.floor(b[3] / CELL);
    for (var x = x0; x <= x1; x++) { for (var y = y0; y <= y1; y++) { out.push(x * 1048576 + y); } }
    return out;
  };
  Grid.prototype.free = function (b) {
    var keys = this.keys(b);
    for (var k = 0; k < keys.length; k++) {
      var list = this.cells.get(keys[k]);
      if (!list) { continue; }
      for (var j = 0; j < list.length; j++) { if (boxesOverlap(b, list[j])) { return false; } }
    }
    return true;
  };
  Grid.prototype.add = function (b) {
    var keys = this.keys(b);
    for (var k = 0; k < keys.length; k++) {
      var list = this.cells.get(keys[k]);
      if (!list) { this.cells.set(keys[k], [b]); } else { list.push(b); }
    }
  };

  L.ConflictmapLabels = L.Layer.extend({
    options: { pane: "conflictmapPlaceLabels", paneZIndex: 460, margin: 2, dot: 8, viewPad: 0.1 },

    initialize: function (payload, options) {
      L.setOptions(this, options);
      this._t0 = -Infinity; this._t1 = Infinity;
      this._els = new Map();
      this._stats = { n: 0, candidates: 0, shown: 0, events: 0, zoom: null };
      var self = this;
      this.ready = CM.decode(payload).then(function (d) { self._setData(d); return self; });
    },

    _setData: function (d) {
      this._d = d;
      var n = d.n, mx = new Float64Array(n), my = new Float64Array(n), scale = d.scale || 1e4;
      for (var i = 0; i < n; i++) {
        var lon = d.x[i] / scale, lat = d.y[i] / scale, s = Math.sin(lat * Math.PI / 180);
        s = Math.min(Math.max(s, -0.9999), 0.9999);
        mx[i] = (lon + 180) / 360;
        my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      }
      this._mx = mx; this._my = my;
      this._w = new Float32Array(n).fill(-1);
      this._isEvent = new Uint8Array(n);
      for (var e = 0; e < d.ev.i.length; e++) { this._isEvent[d.ev.i[e]] = 1; }
      this._stats.n = n;
      this._measured = 0;
      this._filterEvents();
      if (this._map) { this._update(); this._measureLater(); }
      this.fire("ready");
    },

    /* Time registry hook: places of events inside [t0, t1] (or undated) win over the others. */
    setTimeRange: function (t0, t1) {
      this._t0 = t0 === null ? -Infinity : t0;
      this._t1 = t1 === null ? Infinity : t1;
      if (!this._d) { return; }
      this._filterEvents();
      if (this._map) { this._update(); }
    },

    _filterEvents: function () {
      var ev = this._d.ev, shown = [];
      for (var k = 0; k < ev.i.length; k++) {
        if (ev.d0[k] < 0 || (ev.d0[k] <= this._t1 && ev.d1[k] >= this._t0)) { shown.push(ev.i[k]); }
      }
      this._evShown = shown;
      this._evFlag = new Uint8Array(this._d.n);
      for (var j = 0; j < shown.length; j++) { this._evFlag[shown[j]] = 1; }
    },

    beforeAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        pane.style.zIndex = this.options.paneZIndex;
        pane.style.pointerEvents = "none";
      }
    },

    onAdd: function (map) {
      this._container = L.DomUtil.create("div", "cm-labels leaflet-zoom-hide", this.getPane());
      this._probes = {};
      map.on("moveend viewreset resize", this._update, this);
      this._update();
      this._measureLater();
    },

    /* Measure every label's text in idle time, a few milliseconds at a time and in priority order,
       so that placing labels after a move rarely has to measure (the first zoom to village level
       would otherwise measure a thousand or more at once). */
    _measureLater: function () {
      if (this._measuring || !this._d || !this._container || this._measured >= this._d.n) { return; }
      var self = this, later = window.requestIdleCallback || function (f) { return setTimeout(f, 30); };
      this._measuring = true;
      later(function () {
        self._measuring = false;
        if (!self._container || !self._d) { return; }
        var t0 = performance.now();
        while (self._measured < self._d.n && performance.now() - t0 < 6) { self._size(self._measured++); }
        self._measureLater();
      });
    },

    onRemove: function (map) {
      map.off("moveend viewreset resize", this._update, this);
      L.DomUtil.remove(this._container);
      this._container = null;
      this._els = new Map();
      this._probes = {};
    },

    /* Font and line height of a tier, read once from the stylesheet through a hidden probe. */
    _font: function (tier) {
      var probe = this._probes[tier];
      if (!probe) {
        var el = L.DomUtil.create("div", "cm-label cm-label-point cm-label-" + this._d.tiers[tier].key, this._container);
        el.style.visibility = "hidden";
        var cs = window.getComputedStyle(el), lh = parseFloat(cs.lineHeight);
        var pad = this._d.tiers[tier].area ? 0 : el.offsetWidth; // an empty label is its padding (the dot)
        if (this._d.tiers[tier].area) { el.className = "cm-label cm-label-area cm-label-" + this._d.tiers[tier].key; pad = el.offsetWidth; }
        el.textContent = "Hg";
        probe = this._probes[tier] = { font: cs.fontStyle + " " + cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily,
          spacing: parseFloat(cs.letterSpacing) || 0, lineHeight: isNaN(lh) ? el.offsetHeight : lh, pad: pad };
        L.DomUtil.remove(el);
      }
      return probe;
    },

    _lines: function (i) {
      var d = this._d, out = [];
      if (d.script !== "ar" && d.en) { out.push(d.en[i]); }
      if (d.script !== "en" && d.ar && d.ar[i]) { out.push(d.ar[i]); }
      if (d.script === "ar" && !(d.ar && d.ar[i]) && d.fallback) { out.push(d.fallback[i]); }
      return out;
    },

    _size: function (i) {
      var tier = this._d.t[i], f = this._font(tier), lines = this._lines(i);
      if (this._w[i] < 0) {
        if (!this._ctx) { this._ctx = document.createElement("canvas").getContext("2d"); }
        this._ctx.font = f.font;
        var w = 0;
        for (var k = 0; k < lines.length; k++) {
          var lw = this._ctx.measureText(lines[k]).width + f.spacing * lines[k].length;
          if (lw > w) { w = lw; }
        }
        this._w[i] = Math.ceil(w) + 1;
      }
      return [this._w[i] + f.pad, f.lineHeight * lines.length];
    },

    _eligible: function (i, zoom) {
      var d = this._d;
      return d.z[i] <= zoom && (d.zmax[i] < 0 || d.zmax[i] >= zoom);
    },

    _update: function () {
      if (!this._map || !this._d || !this._container) { return; }
      var map = this._map, d = this._d, zoom = map.getZoom(), scale = 256 * Math.pow(2, zoom);
      var origin = map.getPixelOrigin(), size = map.getSize();
      var tl = map.containerPointToLayerPoint([-size.x * this.options.viewPad, -size.y * this.options.viewPad]);
      var br = map.containerPointToLayerPoint([size.x * (1 + this.options.viewPad), size.y * (1 + this.options.viewPad)]);
      var grid = new Grid(), placed = [], m = this.options.margin, dot = this.options.dot, max = d.max || 400;
      var tried = 0, self = this, n = d.n, evShown = this._evShown, evFlag = this._evFlag;

      function attempt(i) {
        var x = self._mx[i] * scale - origin.x, y = self._my[i] * scale - origin.y;
        if (x < tl.x || y < tl.y || x > br.x || y > br.y) { return; }
        tried++;
        var wh = self._size(i), w = wh[0], h = wh[1], area = d.tiers[d.t[i]].area, sides = area ? ["c"] : ["r", "l"];
        for (var s = 0; s < sides.length; s++) {
          var left = sides[s] === "c" ? x - w / 2 : sides[s] === "r" ? x - dot / 2 : x + dot / 2 - w;
          var box = [left - m, y - h / 2 - m, left + w + m, y + h / 2 + m];
          if (grid.free(box)) {
            grid.add(box);
            placed.push({ i: i, x: left, y: y - h / 2, side: sides[s] });
            return;
          }
        }
      }

      for (var e = 0; e < evShown.length && placed.length < max; e++) {
        if (this._eligible(evShown[e], zoom)) { attempt(evShown[e]); }
      }
      for (var i = 0; i < n && placed.length < max; i++) {
        if (!evFlag[i] && this._eligible(i, zoom)) { attempt(i); }
      }
      this._render(placed);
      this._stats.candidates = tried;
      this._stats.shown = placed.length;
      this._stats.zoom = zoom;
      this._stats.events = placed.filter(function (p) { return self._evFlag[p.i]; }).length;
      this.fire("labels");
    },

    _element: function (i) {
      var d = this._d, tier = d.tiers[d.t[i]];
      var el = document.createElement("div");
      el.className = "cm-label cm-label-" + tier.key + (tier.area ? " cm-label-area" : " cm-label-point");
      el.setAttribute("data-label", String(i));
      if (d.script !== "ar") {
        var en = document.createElement("span");
        en.className = "cm-label-en"; en.textContent = d.en[i];
        el.appendChild(en);
      }
      if (d.script !== "en") {
        var ar = d.ar && d.ar[i], span = document.createElement("span");
        if (ar) {
          span.className = "cm-label-ar"; span.lang = "ar"; span.dir = "rtl"; span.textContent = ar;
          el.appendChild(span);
        } else if (d.script === "ar" && d.fallback) {
          span.className = "cm-label-en"; span.textContent = d.fallback[i];
          el.appendChild(span);
        }
      }
      return el;
    },

    _render: function (placed) {
      var next = new Map(), frag = document.createDocumentFragment();
      for (var k = 0; k < placed.length; k++) {
        var p = placed[k], el = this._els.get(p.i);
        if (!el) { el = this._element(p.i); frag.appendChild(el); }
        el.classList.toggle("cm-label-left", p.side === "l");
        el.classList.toggle("cm-label-event", !!this._evFlag[p.i]);
        el.style.transform = "translate(" + Math.round(p.x) + "px," + Math.round(p.y) + "px)";
        next.set(p.i, el);
      }
      this._els.forEach(function (el, i) { if (!next.has(i)) { el.remove(); } });
      this._container.appendChild(frag);
      this._els = next;
    },

    stats: function () { return L.extend({}, this._stats); },

    /* The label elements on the page, in placement order. */
    shown: function () { return Array.from(this._els.values()); }
  });
})();
