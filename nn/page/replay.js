// The replay of a recorded run: every frame is drawn from the packed numbers, nothing is fetched.
// The forward pass, the boundary's colours and the network figure are nn/page/network.js's, inlined before this.
const data = JSON.parse(document.getElementById("run-data").textContent);

function bytes(text) {
  const raw = atob(text), out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out.buffer;
}
const parameters = new Float32Array(bytes(data.parameters));
const gradients = new Int8Array(bytes(data.gradients));
const indices = new Uint32Array(bytes(data.indices));
const count = data.count, last = data.frames - 1;

// The network's forward pass on the frame's weights, in float32 as the page stores them.
function forward(frame, x, y) {
  const base = frame * count;
  const values = forwardLayers(data.layers, (i) => parameters[base + i], [x, y]);
  return classOneProbability(data.output, values[values.length - 1][0]);
}

const lossCanvas = document.getElementById("loss");
const lossContext = lossCanvas.getContext("2d");
const margin = { left: 46, right: 10, top: 20, bottom: 26 };  // the legend sits above the plot
// Validation: [update, loss] after each epoch when fit had validation data, or before training and after
// every update when nn.Playground measured it (data.validation_after); it shares the loss axis.
const validation = data.validation, ORANGE = "#E69F00", perUpdate = data.validation_after === "update";
const lossValues = data.loss.concat(validation.map((point) => point[1]));
const lossLow = Math.min(...lossValues), lossHigh = Math.max(...lossValues);
const lossScale = data.loss.length > 0 && lossLow > 0 && lossHigh / lossLow > 20;  // a log axis when it spans decades
function lossY(value) {
  const h = lossCanvas.height - margin.top - margin.bottom;
  const t = lossScale ? (Math.log(value) - Math.log(lossLow)) / (Math.log(lossHigh) - Math.log(lossLow))
                      : (value - lossLow) / (lossHigh - lossLow || 1);
  return margin.top + (1 - t) * h;
}
function stepX(step) {
  const w = lossCanvas.width - margin.left - margin.right;
  return margin.left + (step - 1) / Math.max(data.loss.length - 1, 1) * w;
}
// The curve is drawn once; each frame copies it and adds the marker.
const curve = document.createElement("canvas");
curve.width = lossCanvas.width; curve.height = lossCanvas.height;
(function drawCurve() {
  const c = curve.getContext("2d");
  c.fillStyle = "#fff"; c.fillRect(0, 0, curve.width, curve.height);
  c.strokeStyle = "#bbb"; c.lineWidth = 1;
  c.strokeRect(margin.left, margin.top, curve.width - margin.left - margin.right, curve.height - margin.top - margin.bottom);
  c.fillStyle = "#444"; c.font = "11px system-ui";
  c.textAlign = "right";
  // A small loss as 9.9e-4, not 0.000995: the axis label has 42 pixels.
  const label = (value) => (value !== 0 && Math.abs(value) < 0.01 ? value.toExponential(1) : value.toPrecision(3));
  c.fillText(label(lossHigh), margin.left - 4, margin.top + 4);
  c.fillText(label(lossLow), margin.left - 4, curve.height - margin.bottom);
  c.textAlign = "center";
  c.fillText("update", curve.width / 2, curve.height - 6);
  c.fillText("1", margin.left, curve.height - margin.bottom + 12);
  c.textAlign = "right";
  c.fillText(String(data.loss.length), curve.width - margin.right, curve.height - margin.bottom + 12);
  let epochStart = 1;
  c.strokeStyle = "#eee";
  for (let s = 2; s <= data.loss.length; s++) {
    if (data.epoch[s - 1] !== data.epoch[s - 2] && data.loss.length < 400) {
      c.beginPath(); c.moveTo(stepX(s) - 0.5, margin.top); c.lineTo(stepX(s) - 0.5, curve.height - margin.bottom); c.stroke();
    }
  }
  c.strokeStyle = BLUE; c.lineWidth = 1.2; c.beginPath();
  data.loss.forEach((value, k) => (k ? c.lineTo(stepX(k + 1), lossY(value)) : c.moveTo(stepX(1), lossY(value))));
  c.stroke();
  // Each epoch's mean over its batches: the trend under the mini-batch noise.
  const sums = new Map();
  data.loss.forEach((value, k) => {
    const e = data.epoch[k], entry = sums.get(e) || { total: 0, count: 0, last: 0 };
    entry.total += value; entry.count += 1; entry.last = k + 1; sums.set(e, entry);
  });
  c.strokeStyle = "#222"; c.lineWidth = 1.6; c.beginPath();
  let first = true;
  for (const entry of sums.values()) {
    const x = stepX(entry.last), y = lossY(entry.total / entry.count);
    if (first) c.moveTo(x, y); else c.lineTo(x, y);
    first = false;
  }
  c.stroke();
  if (validation.length) {
    c.strokeStyle = ORANGE; c.fillStyle = ORANGE; c.lineWidth = 2; c.setLineDash([5, 3]); c.beginPath();
    validation.forEach(([update, value], i) => (i ? c.lineTo(stepX(update), lossY(value)) : c.moveTo(stepX(update), lossY(value))));
    c.stroke(); c.setLineDash([]);
    if (validation.length <= 60) {
      for (const [update, value] of validation) { c.beginPath(); c.arc(stepX(update), lossY(value), 2.2, 0, 2 * Math.PI); c.fill(); }
    }
  }
  // The legend, each name in its curve's colour, laid out from the right edge.
  const legend = [[lossScale ? "loss J (log scale): " : "loss J: ", "#444"], ["each update", BLUE], [", each epoch's mean", "#222"]];
  if (validation.length) legend.push([", validation", ORANGE]);
  c.textAlign = "left";
  let right = curve.width - margin.right;
  for (const [text, colour] of legend.reverse()) {
    right -= c.measureText(text).width;
    c.fillStyle = colour; c.fillText(text, right, margin.top - 6);
  }
  void epochStart;
})();
lossCanvas.dataset.validation = String(validation.length);
if (validation.length) {
  document.getElementById("loss-caption").textContent =
    "loss of each mini-batch update, each epoch's mean (black) and the validation loss after each "
    + (perUpdate ? "update" : "epoch") + " (orange, dashed); the line marks the update shown";
}
// The validation loss measured last at or before a frame: the latest measurement not after it.
function validationAt(frame) {
  let found = null;
  for (const point of validation) { if (point[0] <= frame) found = point; else break; }
  return found;
}

// When the validation loss the counter reports was measured, as the page's caption says it is.
function measuredWhen(update) {
  if (perUpdate) return update ? `after update ${update}` : "before training";
  return `after epoch ${data.epoch[update - 1]}`;
}

function drawLoss(frame) {
  lossContext.drawImage(curve, 0, 0);
  if (frame === 0) { lossCanvas.dataset.marker = "none"; return; }
  const x = stepX(frame), y = lossY(data.loss[frame - 1]);
  lossContext.strokeStyle = RED; lossContext.lineWidth = 1;
  lossContext.beginPath(); lossContext.moveTo(x, margin.top); lossContext.lineTo(x, lossCanvas.height - margin.bottom); lossContext.stroke();
  lossContext.fillStyle = RED; lossContext.beginPath(); lossContext.arc(x, y, 4, 0, 2 * Math.PI); lossContext.fill();
  lossCanvas.dataset.marker = x.toFixed(1) + "," + y.toFixed(1);
  const measured = validationAt(frame);  // the validation loss the counter reports, ringed on its curve
  if (measured) {
    lossContext.strokeStyle = ORANGE; lossContext.lineWidth = 2;
    lossContext.beginPath(); lossContext.arc(stepX(measured[0]), lossY(measured[1]), 4.5, 0, 2 * Math.PI); lossContext.stroke();
  }
}

const boundaryCanvas = document.getElementById("boundary");
const boundaryContext = boundaryCanvas.getContext("2d");
const grid = data.grid, raster = document.createElement("canvas");
raster.width = grid; raster.height = grid;
const rasterContext = raster.getContext("2d"), cells = rasterContext.createImageData(grid, grid);
const [xLow, xHigh, yLow, yHigh] = data.box;
const plot = { left: 8, top: 8, width: boundaryCanvas.width - 16, height: boundaryCanvas.height - 16 };
const toPixelX = (x) => plot.left + (x - xLow) / (xHigh - xLow) * plot.width;
const toPixelY = (y) => plot.top + (1 - (y - yLow) / (yHigh - yLow)) * plot.height;
function drawBoundary(frame) {
  paintBoundary(cells, grid, data.box, (x, y) => forward(frame, x, y), 0.55);
  rasterContext.putImageData(cells, 0, 0);
  boundaryContext.fillStyle = "#fff"; boundaryContext.fillRect(0, 0, boundaryCanvas.width, boundaryCanvas.height);
  boundaryContext.imageSmoothingEnabled = true;
  boundaryContext.drawImage(raster, plot.left, plot.top, plot.width, plot.height);
  const batch = new Set(frame ? indices.subarray(data.batch_start[frame - 1], data.batch_start[frame]) : []);
  for (let i = 0; i < data.labels.length; i++) {
    const px = toPixelX(data.points[2 * i]), py = toPixelY(data.points[2 * i + 1]);
    boundaryContext.fillStyle = data.labels[i] > 0.5 ? GREEN : RED;
    boundaryContext.strokeStyle = "#fff"; boundaryContext.lineWidth = 0.8;
    boundaryContext.beginPath(); boundaryContext.arc(px, py, 3.2, 0, 2 * Math.PI); boundaryContext.fill(); boundaryContext.stroke();
    if (batch.has(i)) {
      boundaryContext.strokeStyle = "#000"; boundaryContext.lineWidth = 1.3;
      boundaryContext.beginPath(); boundaryContext.arc(px, py, 6, 0, 2 * Math.PI); boundaryContext.stroke();
    }
  }
}

const slider = document.getElementById("slider"), counter = document.getElementById("counter");
slider.max = String(last);
let shown = -1, timer = null;
const timings = [];
function show(frame) {
  const started = performance.now();
  frame = Math.max(0, Math.min(last, frame | 0));
  shown = frame; slider.value = String(frame);
  drawLoss(frame);
  drawBoundary(frame);
  const base = frame * count;
  drawNetwork(document.getElementById("weights"), data.sizes, data.layers, (i) => parameters[base + i], "weights");
  const gbase = (frame - 1) * count, scale = frame ? data.gradient_scale[frame - 1] / 127 : 0;
  drawNetwork(document.getElementById("gradients"), data.sizes, data.layers, (i) => (frame ? gradients[gbase + i] * scale : 0),
              frame ? "gradients" : "gradients (none before the first update)");
  const measured = validationAt(frame);
  counter.textContent = (frame
    ? `update ${frame} of ${last} · epoch ${data.epoch[frame - 1]} · batch loss ${data.loss[frame - 1].toPrecision(4)} · learning rate ${data.learning_rate[frame - 1]}`
    : `before training (0 of ${last} updates)`)
    + (measured ? ` · validation loss ${measured[1].toPrecision(4)} (${measuredWhen(measured[0])})` : "");
  timings.push(performance.now() - started);
}
slider.addEventListener("input", () => show(Number(slider.value)));
document.getElementById("prev").addEventListener("click", () => show(shown - 1));
document.getElementById("next").addEventListener("click", () => show(shown + 1));
const playButton = document.getElementById("play");
function play() {
  if (timer) { clearInterval(timer); timer = null; playButton.textContent = "▶ play"; return; }
  if (shown === last) show(0);
  playButton.textContent = "❚❚ pause";
  timer = setInterval(() => { if (shown >= last) play(); else show(shown + Math.max(1, Math.round(last / 300))); }, 30);
}
playButton.addEventListener("click", play);
document.addEventListener("keydown", (event) => {
  const moves = { ArrowLeft: shown - 1, ArrowRight: shown + 1, Home: 0, End: last };
  if (event.key in moves) { show(moves[event.key]); event.preventDefault(); }
  else if (event.key === " ") { play(); event.preventDefault(); }
});
window.replay = { show, timings, frames: data.frames };
show(last);
