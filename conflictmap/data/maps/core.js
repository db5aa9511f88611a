/* conflictmap core: escaping, payload decoding and the time registry shared by map layers. */
(function () {
  "use strict";
  if (window.Conflictmap) { return; }
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function esc(value) {
    if (value === null || value === undefined) { return ""; }
    return String(value).replace(/[&<>"']/g, function (c) { return ESC[c]; });
  }

  function safeUrl(value) {
    if (typeof value !== "string") { return null; }
    return /^https?:\/\/[^\s<>"'`]+$/i.test(value) ? value : null;
  }

  function dayToIso(day) {
    return new Date(day * 86400000).toISOString().slice(0, 10);
  }

  /* A payload is either plain JSON or {gz: base64 of gzipped JSON}; always returns a Promise. */
  function decode(payload) {
    if (!payload || typeof payload.gz !== "string") { return Promise.resolve(payload); }
    var binary = atob(payload.gz);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  /* Column value: columns are {dict: [...], idx: [...]} (dictionary encoded) or {values: [...]} */
  function column(col, i) {
    if (!col) { return null; }
    if (col.idx) { var k = col.idx[i]; return k < 0 ? null : col.dict[k]; }
    return col.values[i];
  }

  /* Time registry: layers that follow the slider call register(map, layer); layer.setTimeRange(t0, t1)
     receives day numbers (days since 1970-01-01, inclusive). */
  function timeLayers(map) {
    if (!map._conflictmapTime) { map._conflictmapTime = { layers: [], range: null }; }
    return map._conflictmapTime;
  }

  function registerTimeLayer(map, layer) {
    var reg = timeLayers(map);
    reg.layers.push(layer);
    if (reg.range) { layer.setTimeRange(reg.range[0], reg.range[1]); }
  }

  function setTimeRange(map, t0, t1) {
    var reg = timeLayers(map);
    reg.range = [t0, t1];
    for (var i = 0; i < reg.layers.length; i++) { reg.layers[i].setTimeRange(t0, t1); }
  }

  window.Conflictmap = {
    esc: esc,
    safeUrl: safeUrl,
    dayToIso: dayToIso,
    decode: decode,
    column: column,
    registerTimeLayer: registerTimeLayer,
    setTimeRange: setTimeRange,
    timeLayers: timeLayers,
    layers: {}
  };
})();
