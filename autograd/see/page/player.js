// glassgrad's offline player: one SVG per picture, repainted step by step from data.
//
// data.pictures[p] holds one laid-out SVG and, per element (nodes, then edges, by the
// id the picture gave it), its state as drawn; data.changes[i] lists [element, state, ...] pairs that step i
// changes (the first step of a picture against the picture as laid out, later
// steps against the step before); data.states holds every distinct state:
// a node's [texts, fills, strokes], an edge's [colour, width, label colour, label].
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var n = data.explanations.length, current = 0, timer = null;
  var frame = document.getElementById("frame"), slider = document.getElementById("slider");
  var counter = document.getElementById("counter"), explanation = document.getElementById("explanation");
  var phase = document.getElementById("phase"), playButton = document.getElementById("play");
  var buttons = { first: document.getElementById("first"), prev: document.getElementById("prev"),
                  next: document.getElementById("next"), last: document.getElementById("last") };
  var PAINTED = "path,polygon,ellipse,polyline,text";
  var LARGE_TYPE = 14.5;  // px: the graph's smallest text in presentation mode (+ and − change it)
  var largeType = LARGE_TYPE;
  var mounted = -1, elements = [], applied = [], viewBox = null, smallest = 11;
  slider.max = String(n - 1);

  // Graphviz anchors table text at its left end; keep right-aligned and centred
  // numbers in place when they change length.
  function anchor(text, align) {
    if (text.getAttribute("text-anchor") !== "start" || align === "l") { return; }
    var width = text.getComputedTextLength(), x = Number(text.getAttribute("x"));
    text.setAttribute("x", String(align === "r" ? x + width : x + width / 2));
    text.setAttribute("text-anchor", align === "r" ? "end" : "middle");
  }

  function mount(p) {
    var picture = data.pictures[p];
    frame.innerHTML = picture.svg;
    var svg = frame.querySelector("svg");
    var box = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    viewBox = { width: box[2], height: box[3] };
    smallest = Math.min.apply(null, [11].concat(Array.prototype.map.call(
      svg.querySelectorAll("text[font-size]"), function (t) { return Number(t.getAttribute("font-size")) || 11; })));
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    // Every node, box and edge carries the id the picture gave it (Graphviz keeps ids as they are).
    var byId = {};
    svg.querySelectorAll("g[id]").forEach(function (g) { byId[g.id] = g; });
    elements = picture.nodes.map(function (entry) {
      var group = byId[entry[0]], kinds = entry[1], refs = { node: true, group: group, texts: [], fills: [],
                                                               strokes: [] };
      if (!group) { return null; }
      var painted = group.querySelectorAll(PAINTED);
      if (painted.length !== kinds.length || !kinds) { return refs; }
      for (var k = 0; k < kinds.length; k += 1) {
        var c = kinds.charAt(k);
        if (c === "t") { refs.texts.push(painted[k]); }
        if (c === "f" || c === "b") { refs.fills.push(painted[k]); }
        if (c === "s" || c === "b") { refs.strokes.push(painted[k]); }
      }
      refs.texts.forEach(function (text, j) { anchor(text, entry[2].charAt(j)); });
      return refs;
    }).concat(picture.edges.map(function (id) {
      var group = byId[id];
      return group ? { node: false, group: group } : null;
    }));
    applied = picture.base.slice();
    mounted = p;
    fit();
  }

  function paintNode(refs, state) {
    var texts = state[0], fills = state[1], strokes = state[2], k;
    for (k = 0; k < refs.texts.length; k += 1) {
      var run = texts[k] || ["", "", 0], text = refs.texts[k];
      var content = run[0];
      if (k === refs.texts.length - 1 && texts.length > refs.texts.length) {
        content += texts.slice(k + 1).map(function (r) { return r[0]; }).join("");
      }
      text.textContent = content;
      if (run[1]) { text.setAttribute("fill", run[1]); } else { text.removeAttribute("fill"); }
      if (run[2]) { text.setAttribute("font-weight", "bold"); } else { text.removeAttribute("font-weight"); }
    }
    for (k = 0; k < Math.min(refs.fills.length, fills.length); k += 1) {
      refs.fills[k].setAttribute("fill", fills[k]);
    }
    for (k = 0; k < Math.min(refs.strokes.length, strokes.length); k += 1) {
      refs.strokes[k].setAttribute("stroke", strokes[k][0]);
      refs.strokes[k].setAttribute("stroke-width", String(strokes[k][1]));
    }
  }

  function paintEdge(group, state) {
    group.querySelectorAll("path").forEach(function (path) {
      path.setAttribute("stroke", state[0]);
      path.setAttribute("stroke-width", String(state[1]));
    });
    group.querySelectorAll("polygon").forEach(function (head) {
      head.setAttribute("fill", state[0]);
      head.setAttribute("stroke", state[0]);
      head.setAttribute("stroke-width", String(state[1]));
    });
    group.querySelectorAll("text").forEach(function (label) {
      label.setAttribute("fill", state[2]);
      label.textContent = state[3];
    });
  }

  function stateAt(p, i) {
    var picture = data.pictures[p], target = picture.base.slice();
    for (var j = picture.first; j <= i; j += 1) {
      var step = data.changes[j];
      for (var k = 0; k < step.length; k += 2) { target[step[k]] = step[k + 1]; }
    }
    return target;
  }

  function repaint(i) {
    var p = data.picture[i];
    if (p !== mounted) { mount(p); }
    var target = stateAt(p, i);
    for (var e = 0; e < target.length; e += 1) {
      var refs = elements[e];
      if (target[e] === applied[e] || !refs) { continue; }
      if (refs.node) { paintNode(refs, data.states[target[e]]); } else { paintEdge(refs.group, data.states[target[e]]); }
    }
    applied = target;
    follow(i);
  }

  // Fit the whole picture; in presentation mode, zoom in when that would make the
  // graph's smallest text smaller than LARGE_TYPE, and keep this step's node in view.
  function fit() {
    var svg = frame.querySelector("svg");
    if (!svg || !viewBox) { return; }
    var scale = Math.min(frame.clientWidth / viewBox.width, frame.clientHeight / viewBox.height);
    var zoom = document.body.classList.contains("presenting") && smallest * scale < largeType;
    frame.classList.toggle("zoomed", zoom);
    svg.style.width = zoom ? viewBox.width * largeType / smallest + "px" : "";
    svg.style.height = zoom ? viewBox.height * largeType / smallest + "px" : "";
  }

  function follow(i) {
    var focus = data.focus[i], refs = focus >= 0 ? elements[focus] : null;
    if (!refs || !frame.classList.contains("zoomed")) { return; }
    var box = refs.group.getBoundingClientRect(), area = frame.getBoundingClientRect();
    frame.scrollLeft += box.left + box.width / 2 - (area.left + area.width / 2);
    frame.scrollTop += box.top + box.height / 2 - (area.top + area.height / 2);
  }

  function show(i) {
    current = Math.max(0, Math.min(n - 1, i));
    repaint(current);
    explanation.textContent = data.explanations[current];
    counter.textContent = "Step " + (current + 1) + " of " + n;
    phase.textContent = data.phases[current] ? data.phases[current] + " pass" : "";
    phase.className = data.phases[current];
    slider.value = String(current);
    buttons.first.disabled = buttons.prev.disabled = current === 0;
    buttons.next.disabled = buttons.last.disabled = current === n - 1;
    if (current === n - 1) { pause(); }
  }
  function pause() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playButton.textContent = "▶ play";
  }
  function play() {
    if (current === n - 1) { show(0); }
    timer = setInterval(function () { show(current + 1); }, data.interval);
    playButton.textContent = "❚❚ pause";
  }
  function toggle() { if (timer === null) { play(); } else { pause(); } }
  function present(on) {
    document.body.classList.toggle("presenting", on);
    fit();
    follow(current);
  }

  buttons.first.addEventListener("click", function () { pause(); show(0); });
  buttons.prev.addEventListener("click", function () { pause(); show(current - 1); });
  buttons.next.addEventListener("click", function () { pause(); show(current + 1); });
  buttons.last.addEventListener("click", function () { pause(); show(n - 1); });
  document.getElementById("present").addEventListener("click", function () { present(true); });
  playButton.addEventListener("click", toggle);
  slider.addEventListener("input", function () { pause(); show(Number(slider.value)); });
  window.addEventListener("resize", function () { fit(); follow(current); });
  document.addEventListener("keydown", function (event) {
    // The slider and the buttons already handle their own keys; do not step twice.
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || (tag === "BUTTON" && (event.key === " " || event.key === "Enter"))) { return; }
    var moves = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
    if (event.key in moves) { pause(); show(current + moves[event.key]); }
    else if (event.key === "Home") { pause(); show(0); }
    else if (event.key === "End") { pause(); show(n - 1); }
    else if (event.key === " ") { toggle(); }
    else if (event.key === "p" || event.key === "P") { present(!document.body.classList.contains("presenting")); }
    else if (event.key === "Escape") { present(false); }
    else if (event.key === "+" || event.key === "=") { largeType *= 1.25; fit(); follow(current); }
    else if (event.key === "-") { largeType = Math.max(largeType / 1.25, 4); fit(); follow(current); }
    else { return; }
    event.preventDefault();
  });
  show(0);
})();
