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

  /* A payload is plain JSON or {gz: [base64 of gzipped JSON text, ...]} (pieces joined in order; a single
     string is one piece); always returns a Promise. */
  function inflate(b64) {
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  var TYPED = { u1: Uint8Array, i1: Int8Array, u2: Uint16Array, i2: Int16Array, i4: Int32Array };

  /* {b64, dtype} -> typed array (little-endian bytes, as payload.typed_array writes them) */
  function typedArray(o) {
    var binary = atob(o.b64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return new TYPED[o.dtype](bytes.buffer);
  }

  /* Replace every {b64, dtype} value in the payload's objects (not inside lists) by its typed array. */
  function typed(node) {
    if (!node || typeof node !== "object" || Array.isArray(node)) { return node; }
    for (var key in node) {
      var v = node[key];
      if (v && typeof v === "object" && !Array.isArray(v)) {
        if (typeof v.b64 === "string" && TYPED[v.dtype]) { node[key] = typedArray(v); } else { typed(v); }
      }
    }
    return node;
  }

  function decode(payload) {
    if (!payload || payload.gz === undefined) { return Promise.resolve(typed(payload)); }
    var pieces = typeof payload.gz === "string" ? [payload.gz] : payload.gz;
    return Promise.all(pieces.map(inflate)).then(function (texts) { return typed(JSON.parse(texts.join(""))); });
  }

  /* A string list of a payload: a plain array, or {j: "a\u001fb\u001f..."} (joined, '' = missing),
     split on first use and kept. */
  function strings(list) {
    if (!list || typeof list.j !== "string") { return list; }
    if (!list.items) { list.items = list.j.split("\u001f"); }
    return list.items;
  }

  /* Column value: columns are {dict: [...], idx: [...]} (dictionary encoded) or {values: [...]} */
  function column(col, i) {
    if (!col) { return null; }
    if (col.idx) { var k = col.idx[i]; return k < 0 ? null : strings(col.dict)[k]; }
    var v = strings(col.values)[i];
    return v === "" || v === undefined ? null : v;
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
    strings: strings,
    registerTimeLayer: registerTimeLayer,
    setTimeRange: setTimeRange,
    timeLayers: timeLayers,
    layers: {}
  };
})();
