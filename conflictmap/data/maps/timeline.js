/* conflictmap time slider: one range input (plus play/pause and a cumulative/window choice)
   driving every layer registered with Conflictmap.registerTimeLayer. */
(function () {
  "use strict";
  if (!window.L || L.Control.ConflictmapTimeline) { return; }
  var CM = window.Conflictmap;

  L.Control.ConflictmapTimeline = L.Control.extend({
    options: { position: "bottomleft", start: 0, end: 0, step: 1, windowDays: null, interval: 400, value: null },

    onAdd: function (map) {
      var o = this.options, div = L.DomUtil.create("div", "cm-timeline leaflet-bar");
      this._play = L.DomUtil.create("button", "cm-play", div);
      this._play.type = "button"; this._play.title = "Play / pause"; this._play.textContent = "\u25B6";
      this._input = L.DomUtil.create("input", "cm-time-input", div);
      this._input.type = "range"; this._input.min = o.start; this._input.max = o.end; this._input.step = o.step;
      this._input.value = o.value === null ? o.end : o.value;
      this._input.setAttribute("aria-label", "Date");
      this._mode = L.DomUtil.create("select", "cm-time-mode", div);
      var modes = [["all", "up to date"]];
      if (o.windowDays) { modes.push(["window", "last " + o.windowDays + " days"]); }
      for (var k = 0; k < modes.length; k++) {
        var opt = document.createElement("option"); opt.value = modes[k][0]; opt.textContent = modes[k][1];
        this._mode.appendChild(opt);
      }
      if (o.windowDays) { this._mode.value = "window"; }
      this._label = L.DomUtil.create("span", "cm-time-label", div);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var self = this;
      this._input.addEventListener("input", function () { self._update(); });
      this._mode.addEventListener("change", function () { self._update(); });
      this._play.addEventListener("click", function () { self.toggle(); });
      this._map = map;
      setTimeout(function () { self._update(); }, 0);
      return div;
    },

    onRemove: function () { this.pause(); },

    value: function () { return parseInt(this._input.value, 10); },

    setValue: function (day) { this._input.value = day; this._update(); },

    _update: function () {
      var t = this.value(), t0 = null;
      if (this._mode.value === "window" && this.options.windowDays) { t0 = t - this.options.windowDays + 1; }
      this._label.textContent = (t0 === null ? "up to " : CM.dayToIso(t0) + " \u2013 ") + CM.dayToIso(t);
      CM.setTimeRange(this._map, t0, t);
    },

    toggle: function () { if (this._timer) { this.pause(); } else { this.play(); } },

    play: function () {
      var self = this, o = this.options;
      if (this.value() >= o.end) { this._input.value = o.start; }
      this._play.textContent = "\u23F8";
      this._timer = setInterval(function () {
        var next = self.value() + o.step;
        if (next > o.end) { self.pause(); return; }
        self._input.value = next; self._update();
      }, o.interval);
    },

    pause: function () {
      if (this._timer) { clearInterval(this._timer); this._timer = null; }
      if (this._play) { this._play.textContent = "\u25B6"; }
    }
  });
})();
