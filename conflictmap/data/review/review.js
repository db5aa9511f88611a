// conflictmap review widget (anywidget ES module). Every string from the data is written with
// textContent (or an SVG text node's textContent), never as HTML. Nothing is fetched.
const SVG = "http://www.w3.org/2000/svg";

function node(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function svgNode(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  return e;
}

function button(label, key, title) {
  const b = node("button", "cmr-btn", label);
  b.type = "button";
  if (key) b.dataset.key = key;
  if (title) b.title = title;
  return b;
}

function render({ model, el }) {
  const root = node("div", "cmr");
  root.tabIndex = 0;
  root.setAttribute("role", "application");
  root.setAttribute("aria-label", "conflictmap review");
  el.appendChild(root);

  const top = node("div", "cmr-top");
  const progress = node("span", "cmr-progress");
  const where = node("span", "cmr-where");
  const prev = button("\u2190 previous", "p", "previous row (\u2190 or p)");
  const next = button("next \u2192", "n", "next row (\u2192 or n)");
  top.append(progress, where, prev, next);

  const body = node("div", "cmr-body");
  const left = node("div", "cmr-left");
  const text = node("div", "cmr-text");
  const meta = node("div", "cmr-meta");
  const cands = node("ol", "cmr-cands");
  const actions = node("div", "cmr-actions");
  const reject = button("", "x");
  const skip = button("skip (s)", "s", "leave this row undecided for now");
  const addPoint = button("add picked point (Enter)", "Enter", "click the map first");
  addPoint.disabled = true;
  actions.append(reject, skip, addPoint);
  const help = node("div", "cmr-help",
    "Keys: 1-9 choose a candidate \u00b7 click the map, then Enter: a new place there \u00b7 " +
    "x not a place / reject \u00b7 s skip \u00b7 \u2190 \u2192 move \u00b7 wheel zooms the map");
  left.append(text, meta, cands, actions, help);

  const mapBox = node("div", "cmr-map");
  const svg = svgNode("svg", { class: "cmr-svg", preserveAspectRatio: "xMidYMid meet" });
  const gBase = svgNode("g", { class: "cmr-base" });
  const gPlaces = svgNode("g", { class: "cmr-places" });
  const gCands = svgNode("g", { class: "cmr-cand-marks" });
  const gPick = svgNode("g", { class: "cmr-pick" });
  svg.append(gBase, gPlaces, gCands, gPick);
  mapBox.appendChild(svg);
  body.append(left, mapBox);

  const msg = node("div", "cmr-msg");
  msg.setAttribute("role", "status");
  root.append(top, body, msg);

  let view = null; // [x0, y0, w, h]
  let picked = null; // [lon, lat]

  function item() { return model.get("item") || {}; }
  function send(action, extra) {
    const content = Object.assign({ action: action, position: item().position || 0 }, extra || {});
    model.send(content);
  }

  function drawBase() {
    const base = model.get("basemap") || {};
    gBase.replaceChildren();
    if (base.outline) gBase.appendChild(svgNode("path", { d: base.outline, class: "cmr-country" }));
    for (const a of base.admin2 || []) gBase.appendChild(svgNode("path", { d: a.d, class: "cmr-adm2" }));
    for (const a of base.admin1 || []) gBase.appendChild(svgNode("path", { d: a.d, class: "cmr-adm1" }));
  }

  function setView(v) {
    view = v;
    svg.setAttribute("viewBox", v.join(" "));
    drawMarks();
  }

  function size() { return view ? view[2] : 1; }

  function label(g, x, y, str, cls, fs) {
    const t = svgNode("text", { x: x, y: y, class: cls, "font-size": fs });
    t.textContent = String(str);
    g.appendChild(t);
  }

  function drawMarks() {
    const it = item();
    const s = size();
    const base = model.get("basemap") || {};
    gPlaces.replaceChildren();
    gCands.replaceChildren();
    gPick.replaceChildren();
    // district names when zoomed in, governorate names over the whole country
    const areas = s < 3 ? base.admin2 || [] : base.admin1 || [];
    for (const a of areas) {
      if (inView(a.x, a.y)) label(gPlaces, a.x, a.y, a.name, "cmr-adm-label", s * (s < 3 ? 0.03 : 0.022));
    }
    for (const p of it.places || []) {
      gPlaces.appendChild(svgNode("circle", { cx: p.x, cy: p.y, r: s * 0.004, class: "cmr-dot" }));
      if (p.label) label(gPlaces, p.x + s * 0.008, p.y + s * 0.006, p.name, "cmr-place-label", s * 0.02);
    }
    if (it.ref) {
      const [x, y] = it.ref, d = s * 0.012;
      gCands.appendChild(svgNode("rect", { x: x - d, y: y - d, width: 2 * d, height: 2 * d, class: "cmr-ref" }));
    }
    const chosen = it.decision && it.decision.place_id;
    const list = (it.candidates || []).filter(function (c) { return c.xy; });
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i];
      const g = svgNode("g", { class: "cmr-cand" + (c.place_id === chosen ? " cmr-chosen" : ""), "data-n": c.n });
      g.appendChild(svgNode("circle", { cx: c.xy[0], cy: c.xy[1], r: s * 0.02 }));
      label(g, c.xy[0], c.xy[1] + s * 0.009, c.n, "cmr-num", s * 0.026);
      g.addEventListener("click", function (ev) { ev.stopPropagation(); send("choose", { n: c.n }); });
      gCands.appendChild(g);
    }
    if (picked) {
      const x = picked[0] * base.k, y = -picked[1], d = s * 0.018;
      gPick.appendChild(svgNode("path", { d: `M${x - d} ${y}H${x + d}M${x} ${y - d}V${y + d}`, class: "cmr-cross" }));
    }
  }

  function inView(x, y) {
    return view && x >= view[0] && x <= view[0] + view[2] && y >= view[1] && y <= view[1] + view[3];
  }

  function drawText(it) {
    text.replaceChildren();
    if (!it.kind) return; // nothing to review
    if (it.kind === "draft") {
      const s = it.sentence || "";
      const p = node("p", "cmr-sentence");
      let at = 0;
      for (const m of it.marks || []) {
        if (m.start > at) p.appendChild(document.createTextNode(s.slice(at, m.start)));
        const span = node("mark", "cmr-mark cmr-" + m.kind, s.slice(m.start, m.end));
        span.title = m.kind;
        p.appendChild(span);
        at = m.end;
      }
      if (at < s.length) p.appendChild(document.createTextNode(s.slice(at)));
      text.appendChild(p);
      const d = it.draft || {};
      const line = [d.event_date, d.event_type, d.sub_event_type].filter(Boolean).join(" \u00b7 ");
      text.appendChild(node("div", "cmr-draft", line));
      const actors = [d.actor1, d.actor2].filter(Boolean).join(" vs ");
      if (actors) text.appendChild(node("div", "cmr-draft", actors));
      text.appendChild(node("div", "cmr-draft", "place: " + (it.text || "") + (d.place_role ? " (" + d.place_role + ")" : "")));
    } else {
      text.appendChild(node("div", "cmr-location", it.text || "(empty)"));
      if (it.hint) text.appendChild(node("div", "cmr-hint", "governorate given: " + it.hint));
    }
  }

  function drawItem() {
    const it = item();
    drawText(it);
    const status = [it.status, it.reason].filter(Boolean).join(": ");
    meta.replaceChildren(node("span", "cmr-status", status));
    if (it.rows > 1) meta.appendChild(node("span", "cmr-rows", " \u00b7 " + it.rows + " rows with this name"));
    if (it.decision) {
      const d = it.decision;
      meta.appendChild(node("div", "cmr-decided", "decided: " + (d.name ? d.name + " (" + d.place_id + ")" : d.kind)));
    }
    cands.replaceChildren();
    const chosen = it.decision && it.decision.place_id;
    for (const c of it.candidates || []) {
      const li = node("li", "cmr-cand-row" + (c.place_id === chosen ? " cmr-chosen" : ""));
      li.dataset.n = c.n;
      const b = button(String(c.n), String(c.n), "choose this place (key " + c.n + ")");
      b.addEventListener("click", function () { send("choose", { n: c.n }); });
      const name = node("span", "cmr-cand-name", c.name);
      const info = node("span", "cmr-cand-info",
        [c.feature_type, c.admin.filter(Boolean).join(" / "), c.place_id].filter(Boolean).join(" \u00b7 "));
      li.append(b, name, info);
      if (c.km !== null && c.km !== undefined) {
        li.appendChild(node("span", "cmr-km", c.km.toFixed(1) + " km from " + it.distance_from));
      }
      cands.appendChild(li);
    }
    if (it.kind && !(it.candidates || []).length) {
      cands.appendChild(node("li", "cmr-none", "no candidates: pick a point on the map, or x"));
    }
    reject.textContent = it.kind === "draft" ? "reject draft (x)" : "not a place (x)";
    picked = null;
    addPoint.disabled = true;
    addPoint.textContent = "add picked point (Enter)";
    if (it.view) setView([it.view[0], it.view[1], it.view[2] - it.view[0], it.view[3] - it.view[1]]);
    else drawMarks();
  }

  function drawProgress() {
    const p = model.get("progress") || {};
    progress.textContent = (p.decided || 0) + " of " + (p.total || 0) + " decided";
    where.textContent = p.total ? "row " + ((p.position || 0) + 1) + " of " + p.total : "nothing to review";
  }

  function drawMessage() { msg.textContent = model.get("message") || ""; }

  function move(step) {  // from the row on screen, whatever message is still on its way
    const total = (model.get("progress") || {}).total;
    if (!total) return;
    send("goto", { position: ((item().position || 0) + step + total) % total });
  }

  function addPicked() {
    if (!picked) { msg.textContent = "Click the map where the place is first."; return; }
    send("point", { lon: picked[0], lat: picked[1] });
  }

  // map: click picks a point, wheel zooms around the cursor
  function toMap(ev) {
    const m = svg.getScreenCTM();
    if (!m) return null;
    const pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(m.inverse());
  }
  svg.addEventListener("click", function (ev) {
    const p = toMap(ev);
    const k = (model.get("basemap") || {}).k;
    if (!p || !k) return;
    picked = [Math.round((p.x / k) * 1e5) / 1e5, Math.round(-p.y * 1e5) / 1e5];
    addPoint.disabled = false;
    addPoint.textContent = "add \u201c" + (item().name || "") + "\u201d at " + picked[1].toFixed(4) + ", " + picked[0].toFixed(4) + " (Enter)";
    drawMarks();
    root.focus({ preventScroll: true });
  });
  svg.addEventListener("wheel", function (ev) {
    if (!view) return;
    ev.preventDefault();
    const p = toMap(ev);
    if (!p) return;
    const f = ev.deltaY > 0 ? 1.25 : 0.8;
    setView([p.x - (p.x - view[0]) * f, p.y - (p.y - view[1]) * f, view[2] * f, view[3] * f]);
  }, { passive: false });

  prev.addEventListener("click", function () { move(-1); });
  next.addEventListener("click", function () { move(1); });
  reject.addEventListener("click", function () { send("reject"); });
  skip.addEventListener("click", function () { send("skip"); });
  addPoint.addEventListener("click", addPicked);

  root.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key;
    let handled = true;
    if (k >= "1" && k <= "9" && k.length === 1) send("choose", { n: Number(k) });
    else if (k === "ArrowRight" || k === "n" || k === "j") move(1);
    else if (k === "ArrowLeft" || k === "p" || k === "k") move(-1);
    else if (k === "x" || k === "Delete") send("reject");
    else if (k === "s") send("skip");
    else if (k === "Enter") addPicked();
    else handled = false;
    if (handled) { ev.preventDefault(); ev.stopPropagation(); }
  });

  const handlers = [["change:item", drawItem], ["change:progress", drawProgress],
                    ["change:message", drawMessage], ["change:basemap", function () { drawBase(); drawMarks(); }]];
  for (const [name, fn] of handlers) model.on(name, fn);
  drawBase();
  drawItem();
  drawProgress();
  drawMessage();
  root.dataset.ready = "1";
  return function () { for (const [name, fn] of handlers) model.off(name, fn); };
}

export default { render };
