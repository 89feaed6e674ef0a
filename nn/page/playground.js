// nn.Playground's view (an anywidget ES module, nn/page/network.js in front of it): everything is drawn on
// <canvas> from the JSON state Python sends after each update. Play is a timer here that asks Python for one
// update at a time, so the kernel is never blocked and pause is immediate.
const SETTINGS = [
  ["learning_rate", "learning rate", [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]],
  ["optimizer", "optimizer", ["sgd", "adam", "rmsprop", "adagrad"]],
  ["batch_size", "batch", [1, 5, 10, 20, 50, null]],
  ["activation", "activation", [null, "relu", "tanh", "sigmoid", "leaky_relu", "linear"]],
  ["l2", "L2", [0, 0.0001, 0.001, 0.01, 0.1]],
  ["dropout", "dropout", [0, 0.1, 0.2, 0.5]],
  ["loss", "loss", ["cross-entropy", "squared error"]],
];
const STYLE = `
.ggp { font: 13px/1.3 system-ui, sans-serif; color: #222; max-width: 1000px; }
.ggp .row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 3px 0; }
.ggp button { font: inherit; padding: 2px 9px; cursor: pointer; }
.ggp select { font: inherit; }
.ggp label { color: #444; }
.ggp .scrub { flex: 1; min-width: 200px; }
.ggp .status { font-variant-numeric: tabular-nums; color: #333; }
.ggp .message { color: #B00020; min-height: 1em; }
.ggp .grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.6fr); gap: 4px 12px; }
.ggp canvas { border: 1px solid #ddd; display: block; width: 100%; height: auto; }
.ggp .pair { white-space: nowrap; }
.ggp .caption { font-size: 12px; color: #555; margin: 2px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
/* The backprop player below the view: its picture scrolls in a box, so the step's explanation stays in sight. */
.ggp-backprop .glassgrad-player .widget-html-content > div[style*="overflow"] { max-height: 360px; }
.ggp-backprop .glassgrad-player .widget-html, .ggp-backprop .glassgrad-player .widget-html-content { min-width: 0; max-width: 100%; }
`;

// Every layer's values for one example, on the weights shown.
function forward(state, x) {
  return forwardLayers(state.layers, (i) => state.parameters[i], x);
}

function element(tag, attributes, parent) {
  const e = document.createElement(tag);
  Object.assign(e, attributes || {});
  if (parent) parent.appendChild(e);
  return e;
}

function render({ model, el }) {
  const root = element("div", { className: "ggp" }, el);
  element("style", { textContent: STYLE }, root);
  const controls = element("div", { className: "row" }, root);
  const button = (text, title, action) => {
    const b = element("button", { textContent: text, title, type: "button" }, controls);
    b.addEventListener("click", action);
    return b;
  };
  const playButton = button("▶ play", "train, one update after another", () => play());
  const pauseButton = button("❚❚ pause", "stop after this update", () => pause());
  const stepButton = button("step", "one mini-batch update", () => { pause(); request({ do: "step" }); });
  const resetButton = button("reset", "back to the initial weights", () => { pause(); request({ do: "reset" }); });
  element("label", { textContent: "speed" }, controls);
  const speed = element("select", { title: "updates per second while playing" }, controls);
  for (const s of [1, 2, 5, 10, 20, 1000]) element("option", { value: String(s), textContent: s === 1000 ? "max" : s + "/s" }, speed);
  speed.value = "20";
  const forkButton = button("fork here", "branch at the update shown (the old run is kept in pg.branches)", () => { pause(); request({ do: "fork" }); });
  const backpropButton = button("backprop of this update", "the neuron-level backprop of the update shown, for the chosen example", () => { pause(); request({ do: "backprop" }); });
  element("label", { textContent: "click" }, controls);
  const clickMode = element("select", { title: "what a click on the data does" }, controls);
  for (const [v, t] of [["1", "adds green (1)"], ["0", "adds orange (0)"], ["choose", "picks the example"]]) element("option", { value: v, textContent: t }, clickMode);

  const settingsRow = element("div", { className: "row" }, root);
  const selects = {};
  for (const [name, text, options] of SETTINGS) {
    const pair = element("span", { className: "pair" }, settingsRow);
    element("label", { textContent: text + " " }, pair);
    const s = element("select", { title: text }, pair);
    s.dataset.setting = name;
    for (const o of options) element("option", { value: JSON.stringify(o), textContent: o === null ? (name === "batch_size" ? "all" : "keep") : String(o) }, s);
    s.addEventListener("change", () => { pause(); request({ do: "set", name, value: JSON.parse(s.value) }); });
    selects[name] = s;
  }

  const scrubRow = element("div", { className: "row" }, root);
  const scrubber = element("input", { type: "range", min: "0", max: "0", value: "0", className: "scrub", title: "every recorded update" }, scrubRow);
  const status = element("span", { className: "status" }, scrubRow);
  const message = element("div", { className: "message" }, root);

  const grid = element("div", { className: "grid" }, root);
  const left = element("div", {}, grid), right = element("div", {}, grid);
  element("div", { className: "caption", textContent: "data · filled: train, hollow: validation, ringed: batch" }, left);
  const boundary = element("canvas", { width: 360, height: 250 }, left);
  element("div", { className: "caption", textContent: "loss (blue), accuracy (green) · dashed: validation" }, left);
  const curves = element("canvas", { width: 360, height: 150 }, left);
  element("div", { className: "caption", innerHTML: `weights <b style="color:${BLUE}">+</b> <b style="color:${RED}">−</b>, width ∝ size · activations for the chosen example (purple ring)` }, right);
  const network = element("canvas", { width: 600, height: 250 }, right);
  element("div", { className: "caption", textContent: "gradients ∂J/∂w that made this update (the batch's mean)" }, right);
  const gradients = element("canvas", { width: 600, height: 150 }, right);

  // Python answers every message with exactly one new state. While playing at full speed two steps are
  // in flight, so the kernel computes the next update while the browser draws this one.
  let playing = false, inflight = 0, sentAt = 0, pending = null, state = null;
  root.dataset.draws = "0";
  function send(message) { inflight += 1; sentAt = performance.now(); model.send(message); }
  function request(message) {
    if (inflight) { pending = message; return; }
    send(message);
  }
  function tick() {
    const depth = Number(speed.value) >= 1000 ? 2 : 1;
    while (playing && !pending && inflight < depth) send({ do: "step" });
  }
  function play() { if (playing) return; playing = true; root.dataset.playing = "true"; enable(); tick(); }
  function pause() { playing = false; root.dataset.playing = "false"; enable(); }
  function enable() {
    playButton.disabled = playing; pauseButton.disabled = !playing;
    backpropButton.disabled = playing || !state || state.shown === 0;
  }

  // Python sends the points (they change only on a click) apart from the state of each update.
  const current = () => Object.assign({}, model.get("points"), model.get("state"));
  model.on("change:state", () => {
    state = current();
    draw();
    inflight = Math.max(0, inflight - 1);
    if (state.message) pause();
    if (pending) {
      if (!inflight) { const next = pending; pending = null; send(next); }
      return;
    }
    if (playing) setTimeout(tick, Math.max(0, 1000 / Number(speed.value) - (performance.now() - sentAt)));
  });

  scrubber.addEventListener("input", () => { pause(); request({ do: "show", k: Number(scrubber.value) }); });
  boundary.addEventListener("click", (event) => {
    if (!state) return;
    const rect = boundary.getBoundingClientRect();
    const px = (event.clientX - rect.left) * boundary.width / rect.width, py = (event.clientY - rect.top) * boundary.height / rect.height;
    const [x0, x1, y0, y1] = state.box;
    const x = x0 + px / boundary.width * (x1 - x0), y = y1 - py / boundary.height * (y1 - y0);
    if (clickMode.value === "choose") {
      let best = -1, distance = Infinity;
      state.points.forEach(([a, b], i) => { const d = (a - x) ** 2 + (b - y) ** 2; if (d < distance) { distance = d; best = i; } });
      if (best >= 0) request({ do: "example", index: best });
    } else {
      pause();
      request({ do: "add", x, y, label: Number(clickMode.value) });
    }
  });

  function draw() {
    const started = performance.now();
    scrubber.max = String(state.updates);
    scrubber.value = String(state.shown);
    const loss = state.shown_loss === null ? "–" : state.shown_loss.toPrecision(4);
    status.textContent = `update ${state.shown} of ${state.updates} · epoch ${state.epoch} · batch loss ${loss}` +
      (state.branches ? ` · ${state.branches} earlier branch${state.branches > 1 ? "es" : ""}` : "");
    message.textContent = state.message;
    for (const [name] of SETTINGS) selects[name].value = JSON.stringify(state.settings[name]);
    const chosen = state.example >= 0 ? state.example : state.batch.length ? state.batch[0] : state.points.length ? 0 : -1;
    drawBoundary(chosen);
    drawCurves();
    const activations = chosen >= 0 ? forward(state, state.points[chosen].slice(0, 2)) : null;
    const example = chosen >= 0 ? state.points[chosen] : null;
    drawNetwork(network, state.sizes, state.layers, (i) => state.parameters[i],
      example ? `example ${chosen}: x = (${example[0].toFixed(2)}, ${example[1].toFixed(2)}), label ${example[2]}` : "no example yet",
      { radius: 11, spacing: 34, right: 70, activations, outputKind: state.output });
    const c = network.getContext("2d");
    c.textAlign = "right"; c.fillText(state.output === "value" ? "output" : "P(class 1)", network.width - 6, 13);
    drawNetwork(gradients, state.sizes, state.layers, (i) => (state.gradients.length ? state.gradients[i] : 0),
      state.shown ? `update ${state.shown}` : "none before the first update", { radius: 6, spacing: 34, right: 70 });
    enable();
    root.dataset.updates = String(state.updates);
    root.dataset.shown = String(state.shown);
    root.dataset.points = String(state.points.length);
    root.dataset.draws = String(Number(root.dataset.draws) + 1);
    root.dataset.drawMs = (performance.now() - started).toFixed(2);
  }

  const cells = 60, raster = element("canvas", { width: cells, height: cells });
  const rasterContext = raster.getContext("2d"), image = rasterContext.createImageData(cells, cells);
  function drawBoundary(chosen) {
    const c = boundary.getContext("2d"), [x0, x1, y0, y1] = state.box, W = boundary.width, H = boundary.height;
    paintBoundary(image, cells, state.box, (x, y) => {
      const values = forward(state, [x, y]);
      return classOneProbability(state.output, values[values.length - 1][0]);
    }, 0.6);
    rasterContext.putImageData(image, 0, 0);
    c.imageSmoothingEnabled = true;
    c.drawImage(raster, 0, 0, W, H);
    const toX = (x) => (x - x0) / (x1 - x0) * W, toY = (y) => (1 - (y - y0) / (y1 - y0)) * H;
    for (const [x, y, label] of state.validation) {
      c.strokeStyle = label ? GREEN : RED; c.lineWidth = 2;
      c.beginPath(); c.arc(toX(x), toY(y), 3.5, 0, 2 * Math.PI); c.stroke();
    }
    const batch = new Set(state.batch);
    state.points.forEach(([x, y, label], i) => {
      c.fillStyle = label ? GREEN : RED; c.strokeStyle = "#fff"; c.lineWidth = 1;
      c.beginPath(); c.arc(toX(x), toY(y), 4, 0, 2 * Math.PI); c.fill(); c.stroke();
      if (batch.has(i)) { c.strokeStyle = "#000"; c.lineWidth = 1.5; c.beginPath(); c.arc(toX(x), toY(y), 7, 0, 2 * Math.PI); c.stroke(); }
    });
    if (chosen >= 0) {
      const [x, y] = state.points[chosen];
      c.strokeStyle = "#6A3D9A"; c.lineWidth = 2.5;
      c.beginPath(); c.arc(toX(x), toY(y), 10, 0, 2 * Math.PI); c.stroke();
    }
    if (!state.points.length) {
      c.fillStyle = "#444"; c.font = "14px system-ui"; c.textAlign = "center";
      c.fillText("click to add points of both classes", W / 2, H / 2);
    }
  }

  function drawCurves() {
    const c = curves.getContext("2d"), W = curves.width, H = curves.height, m = { l: 40, r: 34, t: 8, b: 22 };
    c.fillStyle = "#fff"; c.fillRect(0, 0, W, H);
    c.strokeStyle = "#bbb"; c.lineWidth = 1; c.strokeRect(m.l, m.t, W - m.l - m.r, H - m.t - m.b);
    const n = state.updates, cv = state.curves;
    const losses = [...state.batch_loss, ...cv.train_loss, ...cv.val_loss].filter((v) => v !== null && isFinite(v));
    const high = Math.max(1e-9, ...losses);
    const X = (k) => m.l + k / Math.max(n, 1) * (W - m.l - m.r);
    const Y = (v, top) => m.t + (1 - v / top) * (H - m.t - m.b);
    const line = (values, xs, top, colour, dashed, width) => {
      c.strokeStyle = colour; c.lineWidth = width; c.setLineDash(dashed ? [5, 4] : []);
      c.beginPath(); let open = false;
      values.forEach((v, k) => {
        if (v === null || !isFinite(v)) { open = false; return; }
        const x = X(xs[k]), y = Y(Math.min(v, top), top);
        if (open) c.lineTo(x, y); else c.moveTo(x, y);
        open = true;
      });
      c.stroke(); c.setLineDash([]);
    };
    const at = state.curve_at;
    line(state.batch_loss, at.slice(1), high, "#C8C8C8", false, 1);
    line(cv.train_loss, at, high, BLUE, false, 2);
    line(cv.val_loss, at, high, BLUE, true, 2);
    line(cv.train_accuracy, at, 1, GREEN, false, 2);
    line(cv.val_accuracy, at, 1, GREEN, true, 2);
    c.fillStyle = "#444"; c.font = "11px system-ui"; c.textAlign = "right";
    c.fillText(high.toPrecision(2), m.l - 3, m.t + 9); c.fillText("0", m.l - 3, H - m.b);
    c.textAlign = "left"; c.fillText("100%", W - m.r + 3, m.t + 9); c.fillText("0%", W - m.r + 3, H - m.b);
    c.textAlign = "center"; c.fillText(`update (0 … ${n})`, W / 2, H - 6);
    const x = X(state.shown);
    c.strokeStyle = "#6A3D9A"; c.lineWidth = 1; c.beginPath(); c.moveTo(x, m.t); c.lineTo(x, H - m.b); c.stroke();
    const shown = (v) => (v === null || v === undefined ? "–" : v);
    const acc = shown(state.at_shown.train_accuracy), vacc = shown(state.at_shown.val_accuracy);
    c.textAlign = "right"; c.fillStyle = "#222";
    c.fillText(`train acc ${acc === "–" ? acc : (100 * acc).toFixed(0) + "%"} · val acc ${vacc === "–" ? vacc : (100 * vacc).toFixed(0) + "%"}`, W - m.r - 4, H - m.b - 6);
  }

  // The backprop player under the view draws a whole network; keep its current step (the node drawn in the
  // highlight colour, autograd/see/picture.py's HIGHLIGHT, sent as `highlight`) in the middle of its scroll box.
  const highlight = String(model.get("highlight") || "").toLowerCase();
  const follow = new MutationObserver(() => {
    const box = document.querySelector('.ggp-backprop .glassgrad-player .widget-html-content > div[style*="overflow"]');
    const mark = box && [...box.querySelectorAll("g.node path")].find(
      (path) => (path.getAttribute("stroke") || "").toLowerCase() === highlight);
    if (!mark || box.dataset.followed === box.innerHTML.length + ":" + mark.getAttribute("d")) return;
    box.dataset.followed = box.innerHTML.length + ":" + mark.getAttribute("d");
    const outer = box.getBoundingClientRect(), inner = mark.getBoundingClientRect();
    box.scrollLeft += inner.left + inner.width / 2 - (outer.left + outer.width / 2);
    box.scrollTop += inner.top + inner.height / 2 - (outer.top + outer.height / 2);
  });
  follow.observe(document.body, { childList: true, subtree: true });
  if (model.get("state") && model.get("state").sizes) { state = current(); draw(); }
  pause();
  return () => { playing = false; follow.disconnect(); };
}

export default { render };
