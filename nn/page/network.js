"use strict";
// How glassgrad draws a network in the browser: its forward pass, the decision boundary and the lecture's
// figure. One file for the replay page (nn/page/replay.js is inlined after it) and for nn.Playground's
// widget (put in front of nn/page/playground.js, an ES module).
const BLUE = "#0072B2", RED = "#D55E00", GREEN = "#009E73", GREY = "#777777";
const FAIL = [0xD5, 0x5E, 0x00], PASS = [0x00, 0x9E, 0x73];
const ACTIVATIONS = {
  relu: (z) => (z > 0 ? z : 0),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  linear: (z) => z,
};

// The sums the model computes: layers[l].weights[j] / .bias[j] are positions of parameters, parameter(i)
// is parameter i's value. Returns every layer's values, the inputs first.
function forwardLayers(layers, parameter, inputs) {
  const all = [inputs];
  let values = inputs;
  for (const layer of layers) {
    const g = ACTIVATIONS[layer.activation], next = new Array(layer.bias.length);
    for (let j = 0; j < layer.bias.length; j++) {
      const w = layer.weights[j];
      let z = parameter(layer.bias[j]);
      for (let i = 0; i < w.length; i++) z += parameter(w[i]) * values[i];
      next[j] = g(z);
    }
    values = next;
    all.push(values);
  }
  return all;
}

// What the output says about class 1, on a 0…1 scale: a sigmoid output ("probability") as it is, a raw
// score ("score") through σ, a squared-error output on 0/1 labels ("value") clipped.
function classOneProbability(kind, output) {
  if (kind === "probability") return output;
  if (kind === "value") return Math.max(0, Math.min(1, output));
  return 1 / (1 + Math.exp(-output));
}

// Fill a cells × cells ImageData over box = [x low, x high, y low, y high]: each cell leans to the class
// the model picks there (green 1, orange 0), stronger the surer it is.
function paintBoundary(image, cells, box, probabilityAt, strength) {
  const [xLow, xHigh, yLow, yHigh] = box;
  for (let row = 0; row < cells; row++) {
    const y = yHigh - (row + 0.5) / cells * (yHigh - yLow);
    for (let column = 0; column < cells; column++) {
      const x = xLow + (column + 0.5) / cells * (xHigh - xLow);
      const p = probabilityAt(x, y), toward = p >= 0.5 ? PASS : FAIL, share = Math.abs(p - 0.5) * 2 * strength;
      const at = 4 * (row * cells + column);
      for (let c = 0; c < 3; c++) image.data[at + c] = Math.round(255 + (toward[c] - 255) * share);
      image.data[at + 3] = 255;
    }
  }
}

// The lecture's picture: neurons in columns, one line per weight, colour = sign, width = size relative
// to the largest. options: radius (of a neuron), spacing (the most between two), right (room for labels),
// activations (each layer's values for one example: written beside each neuron, which is shaded by it),
// outputKind (how to read the output neuron's value, see classOneProbability).
function drawNetwork(canvas, sizes, layers, value, title, options) {
  const { radius = 5, spacing = 16, right = 30, activations = null, outputKind = "score" } = options || {};
  const c = canvas.getContext("2d"), W = canvas.width, H = canvas.height, top = 20, height = H - top - 4;
  const positions = sizes.map((n, column) => {
    const x = 30 + column * (W - 30 - right) / (sizes.length - 1), gap = Math.min(spacing, height / n);
    return Array.from({ length: n }, (_, j) => [x, top + height / 2 + (j - (n - 1) / 2) * gap]);
  });
  c.fillStyle = "#fff"; c.fillRect(0, 0, W, H);
  let largest = 0;
  for (const layer of layers) for (const w of layer.weights) for (const i of w) largest = Math.max(largest, Math.abs(value(i)));
  layers.forEach((layer, l) => layer.weights.forEach((w, j) => {
    const [xb, yb] = positions[l + 1][j];
    w.forEach((index, i) => {
      const v = value(index), [xa, ya] = positions[l][i], share = largest ? Math.abs(v) / largest : 0;
      c.strokeStyle = v >= 0 ? BLUE : RED; c.globalAlpha = 0.3 + 0.7 * share; c.lineWidth = 0.4 + 4.1 * share;
      c.beginPath(); c.moveTo(xa, ya); c.lineTo(xb, yb); c.stroke();
    });
  }));
  c.globalAlpha = 1;
  const last = positions.length - 1;
  positions.forEach((column, l) => column.forEach(([x, y], j) => {
    let fill = l === 0 ? "#EEEEEE" : l === last ? "#FCE3C4" : "#D6E6F5", text = "";
    if (activations) {
      const a = l === last ? classOneProbability(outputKind, activations[l][j]) : activations[l][j];
      const share = Math.min(1, Math.abs(a)), colour = a >= 0 ? [0, 114, 178] : [213, 94, 0];
      fill = `rgb(${colour.map((v) => Math.round(255 + (v - 255) * share * 0.8)).join(",")})`;
      text = Math.abs(a) >= 10 ? a.toFixed(0) : a.toFixed(2);
    }
    c.fillStyle = fill; c.strokeStyle = "#333"; c.lineWidth = 1;
    c.beginPath(); c.arc(x, y, radius, 0, 2 * Math.PI); c.fill(); c.stroke();
    if (text) {
      c.font = "11px system-ui"; c.textAlign = "left";
      c.fillStyle = "rgba(255,255,255,0.85)"; c.fillRect(x + radius + 1, y - 7, c.measureText(text).width + 3, 13);
      c.fillStyle = "#111"; c.fillText(text, x + radius + 2, y + 4);
    }
  }));
  c.fillStyle = "#444"; c.font = "11px system-ui"; c.textAlign = "left";
  c.fillText(`${title} · largest |${largest ? largest.toPrecision(3) : "0"}|`, 6, 13);
  return largest;
}
