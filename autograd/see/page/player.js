// glassgrad's offline player: one SVG per picture, repainted step by step from data.
//
// data.pictures[p] holds one laid-out SVG and, per element (nodes, then edges, by the
// id the picture gave it), its state as drawn; data.changes[i] lists [element, state, ...] pairs that step i
// changes (the first step of a picture against the picture as laid out, later
// steps against the step before); data.states holds every distinct state:
// a node's [texts, fills, strokes], an edge's [colour, width, label colour, label].
// data.quiz (a quiz page only) holds per step [question, answer, [numbers to hide]] or null.
//
// The graph is never scrolled: a camera shows the whole picture when its smallest text
// is large enough, else the part around this step's boxes at a readable size. It sizes
// the SVG once per picture, zoom, window and mode and pans it with a CSS transform. The
// narration keeps one height per picture (its tallest step's) and shrinks its type,
// down to a floor, rather than scroll.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var n = data.explanations.length, current = 0, timer = null;
  var byId = function (id) { return document.getElementById(id); };
  var main = document.querySelector("main"), frame = byId("frame"), slider = byId("slider");
  var counter = byId("counter"), explanation = byId("explanation"), phase = byId("phase");
  var playButton = byId("play");
  var buttons = { first: byId("first"), prev: byId("prev"), next: byId("next"), last: byId("last") };
  var HIGHLIGHT = (data.highlight || "").toUpperCase();
  var PAINTED = "path,polygon,ellipse,polyline,text";
  // Smallest graph text, in px: in presentation mode 16 px, or 1/50 of the screen
  // height on a large screen (22 px at 1080p); at a desk 12 px. + and − scale it.
  var zoom = 1;
  var mounted = -1, elements = [], applied = [], bounds = null, smallest = 11, boxes = [];
  slider.max = String(n - 1);

  function presenting() { return document.body.classList.contains("presenting"); }
  function smallestText() {
    return zoom * (presenting() ? Math.max(16, window.innerHeight / 50) : 12);
  }


  function mount(p) {
    var picture = data.pictures[p];
    frame.innerHTML = picture.svg;
    var svg = frame.querySelector("svg");
    var box = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    bounds = { x: box[0], y: box[1], width: box[2], height: box[3] };
    sized = null;
    moved = "";
    boxes = [];
    smallest = 11;
    svg.querySelectorAll("text[font-size]").forEach(function (t) {
      smallest = Math.min(smallest, Number(t.getAttribute("font-size")) || 11);
    });
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    // Every node, box and edge carries the id the picture gave it (Graphviz keeps ids as they are).
    var byId = {};
    svg.querySelectorAll("g[id]").forEach(function (g) { byId[g.id] = g; });
    elements = picture.nodes.map(function (entry) {
      var group = byId[entry[0]], kinds = entry[1], refs = { node: true, group: group, texts: [], fills: [],
                                                               strokes: [], unanchored: [] };
      if (!group) { return null; }
      var painted = group.querySelectorAll(PAINTED);
      if (painted.length !== kinds.length || !kinds) { return refs; }
      for (var k = 0; k < kinds.length; k += 1) {
        var c = kinds.charAt(k);
        if (c === "t") { refs.texts.push(painted[k]); }
        if (c === "f" || c === "b") { refs.fills.push(painted[k]); }
        if (c === "s" || c === "b") { refs.strokes.push(painted[k]); }
      }
      refs.texts.forEach(function (text, j) {
        var align = entry[2].charAt(j);
        if (align !== "l" && text.getAttribute("text-anchor") === "start") { refs.unanchored.push([text, align]); }
      });
      return refs;
    });
    // An edge's tail, for the camera to show a step's inputs: Graphviz titles it "tail:port->head:port".
    var nodeAt = {};
    picture.nodes.forEach(function (entry, k) { nodeAt[entry[0]] = k; });
    elements = elements.concat(picture.edges.map(function (id) {
      var group = byId[id], title = group && group.querySelector("title");
      var tail = title ? title.textContent.split("->")[0].split(":")[0] : "";
      return group ? { node: false, group: group, from: tail in nodeAt ? nodeAt[tail] : -1 } : null;
    }));
    applied = picture.base.slice();
    mounted = p;
  }

  // Graphviz anchors table text at its left end; anchor right-aligned and centred
  // numbers at their right end or centre, so they stay in place when they change
  // length. Done for a node just before its first repaint (a page of 500 nodes opens
  // without measuring them all), and every width is read before any text moves:
  // reading a width after a change makes the browser lay out the picture again.
  function anchor(list) {
    var pending = [];
    list.forEach(function (refs) { Array.prototype.push.apply(pending, refs.unanchored); refs.unanchored = []; });
    var widths = pending.map(function (pair) { return pair[0].getComputedTextLength(); });
    pending.forEach(function (pair, k) {
      var text = pair[0], x = Number(text.getAttribute("x"));
      text.setAttribute("x", String(pair[1] === "r" ? x + widths[k] : x + widths[k] / 2));
      text.setAttribute("text-anchor", pair[1] === "r" ? "end" : "middle");
    });
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

  function highlighted(e, state) {
    if (!elements[e] || !HIGHLIGHT) { return false; }
    if (!elements[e].node) { return String(state[0]).toUpperCase() === HIGHLIGHT; }
    return state[2].some(function (stroke) { return String(stroke[0]).toUpperCase() === HIGHLIGHT; });
  }

  // Every highlighted node and edge (the step's node, its operands' edges); the camera follows the nodes.
  var lit = [], wasMasked = null;

  function repaint(i, hidden) {
    var p = data.picture[i];
    if (p !== mounted) { mount(p); }
    var target = stateAt(p, i), masked = hidden ? {} : null;
    var before = hidden && i > data.pictures[p].first ? stateAt(p, i - 1) : null;
    if (hidden) {
      var step = data.changes[i];
      for (var k = 0; k < step.length; k += 2) { masked[step[k]] = true; }
    }
    lit = [];
    var work = [];
    for (var e = 0; e < target.length; e += 1) {
      var refs = elements[e], state = data.states[target[e]];
      if (highlighted(e, state)) { lit.push(e); }
      var mask = masked && masked[e] && refs && refs.node;
      if (!refs || (target[e] === applied[e] && !mask && !(wasMasked && wasMasked[e]))) { continue; }
      work.push([refs, mask ? hide(state, hidden, before && data.states[before[e]]) : state]);
    }
    anchor(work.filter(function (job) { return job[0].node && job[0].unanchored.length; })
               .map(function (job) { return job[0]; }));
    work.forEach(function (job) {
      if (job[0].node) { paintNode(job[0], job[1]); } else { paintEdge(job[0].group, job[1]); }
    });
    applied = target;
    wasMasked = masked;
  }

  // A node's state with what this step works out shown as "?": the numbers the student
  // is asked for, and every number in a text this step changes (the step before's state).
  var NUMBER = /-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/gi;
  function hide(state, numbers, previous) {
    var texts = state[0].map(function (run, k) {
      var content = run[0], old = previous && previous[0][k];
      if (old && old[0] === content) { return run; }
      if (old && old[0]) { return [content.replace(NUMBER, "?"), run[1], run[2]]; }
      numbers.forEach(function (number) {
        var escaped = number.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
        content = content.replace(new RegExp("(^|[^0-9.])" + escaped + "(?![0-9])", "g"), "$1?");
      });
      return [content, run[1], run[2]];
    });
    return [texts, state[1], state[2]];
  }

  // --- the camera: which part of the picture the frame shows -----------------------

  function boxOf(e) {
    if (boxes[e] === undefined) {
      var refs = elements[e], svg = frame.querySelector("svg");
      boxes[e] = null;
      if (refs && refs.group) {
        var b = refs.group.getBBox(), m = svg.getScreenCTM().inverse().multiply(refs.group.getScreenCTM());
        var xs = [b.x, b.x + b.width], ys = [b.y, b.y + b.height], corners = [];
        xs.forEach(function (x) { ys.forEach(function (y) { corners.push([m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]); }); });
        var left = Math.min.apply(null, corners.map(function (c) { return c[0]; }));
        var top = Math.min.apply(null, corners.map(function (c) { return c[1]; }));
        boxes[e] = { x: left, y: top,
                     width: Math.max.apply(null, corners.map(function (c) { return c[0]; })) - left,
                     height: Math.max.apply(null, corners.map(function (c) { return c[1]; })) - top };
      }
    }
    return boxes[e];
  }

  function union(list) {
    var found = list.map(boxOf).filter(function (b) { return b; });
    if (!found.length) { return null; }
    var left = Math.min.apply(null, found.map(function (b) { return b.x; }));
    var top = Math.min.apply(null, found.map(function (b) { return b.y; }));
    var right = Math.max.apply(null, found.map(function (b) { return b.x + b.width; }));
    var bottom = Math.max.apply(null, found.map(function (b) { return b.y + b.height; }));
    return { x: left, y: top, width: right - left, height: bottom - top };
  }

  function inside(box, area, margin) {
    return box.x - margin >= area.x && box.y - margin >= area.y &&
      box.x + box.width + margin <= area.x + area.width && box.y + box.height + margin <= area.y + area.height;
  }

  // The picture is drawn at one size (px per point) per picture, zoom, window and mode,
  // and panned with a CSS transform: a transform moves pixels already laid out, while a
  // new viewBox or size lays the whole SVG out again (0.2-2 s at 2,000 nodes in Chromium).
  var sized = null, scale = 1, pan = null, moved = "";

  function frameSize() { return { width: frame.clientWidth, height: frame.clientHeight }; }

  // px per point: the whole picture if its smallest text is then large enough, else the
  // readable size (the camera pans).
  function chooseScale() {
    var size = frameSize();
    var whole = Math.min(size.width / bounds.width, size.height / bounds.height);
    return Math.max(whole, smallestText() / smallest);
  }

  function resize(next) {
    var svg = frame.querySelector("svg");
    scale = next;
    svg.style.width = bounds.width * scale + "px";
    svg.style.height = bounds.height * scale + "px";
    pan = null;
  }

  // Keep this step's boxes in view and as much of its inputs (the tails of its lit edges)
  // as fits around them; move only when they would leave the view; centre a picture
  // smaller than the frame.
  function fit() {
    var svg = frame.querySelector("svg");
    if (!svg || !bounds) { return; }
    var size = frameSize();
    if (size.width < 1 || size.height < 1) { return; }
    var focus = data.focus[current] >= 0 ? [data.focus[current]] : [];
    // The step's nodes, not its edges: an operand's edge may come from far away (an input
    // at the left edge), and following it would leave the node being computed out of view.
    var litNodes = lit.filter(function (e) { return elements[e] && elements[e].node; });
    var inputs = lit.filter(function (e) { return elements[e] && !elements[e].node && elements[e].from >= 0; })
      .map(function (e) { return elements[e].from; });
    var target = union(litNodes.length ? litNodes : focus);
    var margin = 8;  // px around the step's boxes
    var wanted = sized.scale;
    if (target && (target.width * wanted + 2 * margin > size.width || target.height * wanted + 2 * margin > size.height)) {
      target = union(focus) || target;  // the step's node alone, if all its boxes do not fit
      // A box larger than the frame at this size: make it fit, smaller than asked.
      wanted = Math.max(sized.whole, Math.min(wanted, (size.width - 2 * margin) / target.width,
                                              (size.height - 2 * margin) / target.height));
    }
    var resized = !pan;
    if (Math.abs(wanted - scale) > 1e-9) { resize(wanted); resized = true; }
    var w = size.width / scale, h = size.height / scale, pad = margin / scale;
    var wider = target && union(litNodes.concat(focus, inputs));
    var place = function (centre, extent, low, length) {
      if (extent >= length) { return low + (length - extent) / 2; }  // centred: the whole picture shows
      return Math.min(Math.max(centre - extent / 2, low), low + length - extent);
    };
    // Along one axis: the step's boxes and inputs centred if they fit, else centred on
    // them and moved just enough to keep the step's own boxes in view.
    var aim = function (extent, low, length, must, all) {
      if (extent >= length) { return place(0, extent, low, length); }
      var at = place(all[0] + all[1] / 2, extent, low, length);
      if (all[1] + 2 * pad > extent) {
        at = Math.min(Math.max(at, must[0] + must[1] + pad - extent), must[0] - pad);
        at = Math.min(Math.max(at, low), low + length - extent);
      }
      return at;
    };
    var next = { x: place(0, w, bounds.x, bounds.width), y: place(0, h, bounds.y, bounds.height) };
    if (target) {
      var view = pan && { x: pan.x, y: pan.y, width: w, height: h };
      if (view && inside(target, view, pad) && inside(wider, view, pad) &&
          (w < bounds.width || Math.abs(pan.x - next.x) < 1e-6) &&
          (h < bounds.height || Math.abs(pan.y - next.y) < 1e-6)) { next = pan; } else {
        next.x = aim(w, bounds.x, bounds.width, [target.x, target.width], [wider.x, wider.width]);
        next.y = aim(h, bounds.y, bounds.height, [target.y, target.height], [wider.y, wider.height]);
      }
    }
    pan = next;
    var transform = "translate(" + ((bounds.x - pan.x) * scale).toFixed(1) + "px," +
      ((bounds.y - pan.y) * scale).toFixed(1) + "px)";
    if (transform !== moved) {
      // A pan glides (the eye follows the picture); a new size or picture jumps.
      svg.style.transition = resized ? "none" : "";
      svg.style.transform = moved = transform;
    }
  }

  // --- the narration: never a scrollbar ------------------------------------------------

  // A step too long to fit even in the smallest type is shown in parts: its first line
  // and as many of the others as fit, "→ more" at the end; → shows the next part.
  var parts = [], part = 0;

  // ``limit``: the most height the narration may take (px), if less than its usual share.
  function fitNarration(text, limit) {
    explanation.style.fontSize = "";
    explanation.textContent = text;
    var size = parseFloat(window.getComputedStyle(explanation).fontSize);
    var floor = presenting() ? 18 : 14;
    limit = Math.min(limit || Infinity, main.clientHeight * (presenting() ? 0.38 : 0.34));
    // Height grows about as the square of the type size (taller lines, more of them):
    // one guess, then small steps. Each measure lays the page out again.
    for (var k = 0, height = explanation.offsetHeight; k < 6 && height > limit + 0.5 && size > floor; k += 1) {
      size = Math.max(floor, size * Math.min(0.95, Math.sqrt(limit / height)));
      explanation.style.fontSize = size + "px";
      height = explanation.offsetHeight;
    }
    parts = [text];
    var lines = text.split("\n"), room = Math.max(limit, main.clientHeight * 0.5);
    if (height <= room || lines.length < 3) { return height; }
    // Lines per part: as many as fit, found from the height of one line and checked.
    var per = Math.max(1, Math.floor((lines.length - 1) * room / height) - 1), tallest = 0;
    for (var tries = 0; tries < 8; tries += 1) {
      parts = [];
      for (var start = 1; start < lines.length; start += per) {
        parts.push([lines[0]].concat(lines.slice(start, start + per)));
      }
      parts = parts.map(function (chunk, j) {
        return chunk.join("\n") + (j < parts.length - 1 ? "\n… part " + (j + 1) + " of " + parts.length + ": → more" :
                                   "\n(part " + parts.length + " of " + parts.length + ")");
      });
      tallest = 0;
      for (var j = 0; j < parts.length; j += 1) {
        explanation.textContent = parts[j];
        tallest = Math.max(tallest, explanation.offsetHeight);
      }
      if (tallest <= room || per === 1) { break; }
      per = Math.max(1, Math.min(per - 1, Math.floor(per * room / tallest)));
    }
    explanation.textContent = parts[part = Math.min(part, parts.length - 1)];
    return tallest;
  }

  // The narration's room is set once per picture, window, mode and zoom, by the tallest of
  // the picture's steps, so the frame keeps its height from step to step and the picture
  // neither moves nor resizes because one sentence is longer than the one before.
  var reserved = 0;

  function narrations(p) {
    var texts = [];
    for (var i = 0; i < n; i += 1) {
      if (data.picture[i] !== p) { continue; }
      texts.push(data.explanations[i]);
      if (quiz && quiz[i]) { texts.push(quiz[i][0]); }
    }
    return texts;
  }

  // The few narrations that take the most lines (monospaced type: a line of ``c``
  // characters wraps every ``columns``), measured; the tallest one's height.
  function tallestNarration(texts, limit) {
    var em = parseFloat(window.getComputedStyle(explanation).fontSize);
    var columns = Math.max(8, Math.floor(explanation.clientWidth / (0.6 * em)));
    var rows = texts.map(function (text, k) {
      var count = 0;
      text.split("\n").forEach(function (line) { count += Math.max(1, Math.ceil(line.length / columns)); });
      return [count, k];
    }).sort(function (a, b) { return b[0] - a[0]; });
    var tallest = 0;
    rows.slice(0, 3).forEach(function (row) { tallest = Math.max(tallest, fitNarration(texts[row[1]], limit)); });
    return tallest;
  }

  // How much taller (px) the frame must be to show the whole picture with its smallest
  // text readable, when only its height stands in the way (0 if it fits or cannot).
  function shortOfWhole() {
    var size = frameSize(), wanted = smallestText() / smallest;
    if (size.width / bounds.width < wanted) { return 0; }
    return Math.max(0, Math.ceil(bounds.height * wanted - size.height));
  }

  function reserve() {
    var texts = narrations(mounted), saved = part;
    explanation.style.minHeight = "";
    reserved = tallestNarration(texts);
    explanation.style.minHeight = reserved + "px";
    // In presentation mode the narration gives up room, down to its floor, so that the
    // whole picture shows at the readable size: the camera need not pan through a small network.
    var short = presenting() ? shortOfWhole() : 0;
    if (short > 0) {
      explanation.style.minHeight = "";
      reserved = tallestNarration(texts, reserved - short);
      explanation.style.minHeight = reserved + "px";
    }
    part = saved;
    var size = frameSize();
    sized = { scale: chooseScale(), whole: Math.min(size.width / bounds.width, size.height / bounds.height) };
    resize(sized.scale);
  }

  // → and ←: through the parts of a long step, then to the next or previous step.
  function move(delta) {
    if (part + delta >= 0 && part + delta < parts.length) {
      part += delta;
      explanation.textContent = parts[part];
      fit();
      buttons.next.disabled = current === n - 1 && part >= parts.length - 1;
      return;
    }
    part = 0;
    show(current + delta);
  }

  var sizedFor = "";

  function layout() {
    var open = asking(current), text = open ? quiz[current][0] : data.explanations[current];
    var key = [mounted, presenting(), window.innerWidth, window.innerHeight, zoom].join(" ");
    if (key !== sizedFor || !sized) { sizedFor = key; reserve(); }
    fitNarration(text, reserved);
    fit();
    buttons.next.disabled = current === n - 1 && part >= parts.length - 1;
    buttons.last.disabled = current === n - 1;
  }

  // --- predict, then reveal ----------------------------------------------------------

  var quiz = data.quiz || null, outcome = [], right = 0, revealed = 0;
  var quizBox = byId("quiz"), answer = byId("answer"), feedback = byId("feedback"), score = byId("score");

  function asking(i) { return !!(quiz && quiz[i] && !outcome[i]); }

  function parseNumber(text) {
    var cleaned = text.trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) { return NaN; }
    return Number(cleaned);
  }

  function close(i, how) {
    outcome[i] = how;
    if (how === "right") { right += 1; } else { revealed += 1; }
    show(i);
    feedback.textContent = how === "right" ? "✓ right: " + quiz[i][3] : "the answer: " + quiz[i][3];
    feedback.className = how;
  }

  function check() {
    if (!asking(current)) { return; }
    var guess = parseNumber(answer.value), expected = quiz[current][1];
    if (isNaN(guess)) {
      feedback.textContent = "type a number, such as -0.25 or 1e-3";
      feedback.className = "wrong";
    } else if (Math.abs(guess - expected) <= 1e-3 * Math.abs(expected) || guess === expected) {
      close(current, "right");
    } else {
      feedback.textContent = "not " + answer.value.trim() + ": try again, or reveal";
      feedback.className = "wrong";
      answer.select();
    }
  }

  function showQuiz(i) {
    if (!quiz) { return; }
    // Steps without a question keep the answer field's room, so the picture does not move.
    quizBox.hidden = false;
    quizBox.style.visibility = quiz[i] ? "" : "hidden";
    answer.disabled = byId("check").disabled = byId("reveal").disabled = !asking(i);
    if (asking(i)) { answer.value = ""; feedback.textContent = ""; feedback.className = ""; }
    else if (quiz[i]) {
      feedback.textContent = outcome[i] === "right" ? "✓ right: " + quiz[i][3] : "the answer: " + quiz[i][3];
      feedback.className = outcome[i];
    }
    score.textContent = "score " + right + " of " + (right + revealed);
  }

  // --- stepping ------------------------------------------------------------------------

  function show(i) {
    if (Math.max(0, Math.min(n - 1, i)) !== current) { part = 0; }
    current = Math.max(0, Math.min(n - 1, i));
    var open = asking(current);
    repaint(current, open ? quiz[current][2] : null);
    counter.textContent = "Step " + (current + 1) + " of " + n;
    phase.textContent = data.phases[current] ? data.phases[current] + " pass" : "";
    phase.className = data.phases[current];
    slider.value = String(current);
    buttons.first.disabled = buttons.prev.disabled = current === 0;
    showQuiz(current);
    layout();
    if (current === n - 1 || open) { pause(); }
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
    layout();
  }

  buttons.first.addEventListener("click", function () { pause(); show(0); });
  buttons.prev.addEventListener("click", function () { pause(); move(-1); });
  buttons.next.addEventListener("click", function () { pause(); move(1); });
  buttons.last.addEventListener("click", function () { pause(); show(n - 1); });
  byId("present").addEventListener("click", function () { present(true); });
  playButton.addEventListener("click", toggle);
  slider.addEventListener("input", function () { pause(); show(Number(slider.value)); });
  window.addEventListener("resize", layout);
  if (quiz) {
    byId("check").addEventListener("click", check);
    byId("reveal").addEventListener("click", function () { if (asking(current)) { close(current, "revealed"); } });
    answer.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); check(); }
      if (event.key === "Escape") { answer.blur(); }
    });
  }
  document.addEventListener("keydown", function (event) {
    // The slider, the answer field and the buttons handle their own keys; do not step twice.
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || (tag === "BUTTON" && (event.key === " " || event.key === "Enter"))) { return; }
    var moves = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
    if (event.key in moves) { pause(); move(moves[event.key]); }
    else if (event.key === "Home") { pause(); show(0); }
    else if (event.key === "End") { pause(); show(n - 1); }
    else if (event.key === " ") { toggle(); }
    else if (event.key === "p" || event.key === "P") { present(!presenting()); }
    else if (event.key === "Escape") { present(false); }
    else if (event.key === "+" || event.key === "=") { zoom *= 1.25; layout(); }
    else if (event.key === "-") { zoom = Math.max(zoom / 1.25, 0.05); layout(); }
    else if (quiz && (event.key === "a" || event.key === "A") && asking(current)) { answer.focus(); }
    else { return; }
    event.preventDefault();
  });
  show(0);
})();
