/* dtkg network view. Every text that comes from the data is written with textContent or drawn on the canvas,
   never parsed as HTML, so that a label holding markup shows as that text and runs nothing. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dtkg-data").textContent);
  var types = data.types;
  var N = data.nodes.length;
  var M = data.edges.length;
  var SVG = "http://www.w3.org/2000/svg";
  var MAX_LINKS = 200;
  var view = { ready: false, drawnAt: null, data: data };
  window.dtkgView = view;

  // ------------------------------------------------------------------ helpers
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fold(s) {
    return String(s).replace(/[\u2019\u2018]/g, "'").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().trim();
  }
  var AMOUNT = /(-?\d{1,3}(?: \d{3})*(?:,\d+)? [€$£])/;
  function withAmounts(parent, text) {
    // Amounts stay on one line: "90 000 €" is wrapped in a span that CSS keeps unbroken.
    String(text).split(AMOUNT).forEach(function (part, i) {
      if (!part) { return; }
      if (i % 2 === 1) { parent.appendChild(el("span", "amount", part)); }
      else { parent.appendChild(document.createTextNode(part)); }
    });
    return parent;
  }
  function swatch(type, size) {
    size = size || 16;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", size); svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "0 0 16 16"); svg.setAttribute("class", "swatch");
    svg.setAttribute("aria-hidden", "true");
    var shape;
    var points = {
      square: "2,2 14,2 14,14 2,14", diamond: "8,1 15,8 8,15 1,8", triangle: "8,1 15,14 1,14",
      triangleDown: "1,2 15,2 8,15", hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
      star: "8,0.5 10,6 15.5,6 11,9.5 12.8,15 8,11.7 3.2,15 5,9.5 0.5,6 6,6"
    }[type.shape];
    if (points) { shape = document.createElementNS(SVG, "polygon"); shape.setAttribute("points", points); }
    else {
      shape = document.createElementNS(SVG, "circle");
      shape.setAttribute("cx", "8"); shape.setAttribute("cy", "8"); shape.setAttribute("r", "6.5");
    }
    shape.setAttribute("fill", type.color); shape.setAttribute("stroke", "#333"); shape.setAttribute("stroke-width", "0.8");
    svg.appendChild(shape);
    return svg;
  }

  // ------------------------------------------------------------------ data for vis-network
  var nodeItems = new Array(N);
  var folded = new Array(N);
  var i, n, e;
  for (i = 0; i < N; i++) {
    n = data.nodes[i];
    var item = { id: i, label: n[0], group: types[n[1]].key, size: n[2] };
    if (n.length > 3) { item.x = n[3]; item.y = n[4]; }
    nodeItems[i] = item;
    folded[i] = fold(n[0]);
  }
  // One style per kind of link (grants and memberships, which the actors view collapses into links, then one per
  // family of properties), from the styles file: colour, dashes and width, shown in the legend.
  var EDGE_STYLES = {};
  (data.links || []).forEach(function (k) {
    EDGE_STYLES[k.key] = {
      label: k.label, color: { color: k.color, highlight: k.dark, hover: k.dark },
      font: { size: 11, color: k.dark, align: "horizontal" }, dashes: k.dashes && k.dashes.length ? k.dashes : false,
      width: k.width, count: k.count
    };
  });
  var LENGTHS = { grant: 300, membership: 160 };
  var edgeItems = new Array(M);
  var edgeStyle = new Array(M);
  var outgoing = [], incoming = [];
  for (i = 0; i < N; i++) { outgoing.push([]); incoming.push([]); }
  for (i = 0; i < M; i++) {
    e = data.edges[i];
    // Edge labels are drawn only for the link under the pointer, the selected link and the links of the selected
    // node (or all of them on request): drawn all at once they cover the labels of the nodes.
    var edge = { id: i, from: e[0], to: e[1], width: e[3], label: "" };
    if (e[4]) { edge.smooth = { enabled: true, type: "curvedCW", roundness: e[4] }; }
    var key = data.edgeInfo[i][3] || data.edgeInfo[i][0];
    var style = EDGE_STYLES[key];
    edgeStyle[i] = key;
    if (style) {
      edge.color = style.color;
      edge.font = style.font;
      edge.dashes = style.dashes;
      if (LENGTHS[key]) { edge.length = LENGTHS[key]; }
    }
    edgeItems[i] = edge;
    outgoing[e[0]].push(i);
    incoming[e[1]].push(i);
  }
  var groups = {};
  types.forEach(function (t) {
    groups[t.key] = {
      shape: t.shape,
      color: { background: t.color, border: "#333333", highlight: { background: t.color, border: "#000000" },
               hover: { background: t.color, border: "#000000" } }
    };
  });
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var big = !data.physics;
  var options = {
    autoResize: true,
    groups: groups,
    nodes: {
      borderWidth: 1, font: { size: big ? 12 : 14, face: "system-ui, sans-serif", color: "#1d1d1f" },
      widthConstraint: { maximum: 180 }, scaling: { label: { enabled: false } }
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } }, color: { color: "#9A9A9A", highlight: "#333333", hover: "#555555" },
      font: { size: 10, align: "middle", color: "#444444", strokeWidth: 3, strokeColor: "#ffffff" },
      smooth: big ? false : { enabled: true, type: "continuous", roundness: 0.2 }, selectionWidth: 2
    },
    interaction: { hover: !big, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big, navigationButtons: false,
                   keyboard: { enabled: true, bindToWindow: false } },
    layout: { randomSeed: 7, improvedLayout: !big && N <= 150 },
    physics: big ? { enabled: false } : {
      enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -90, centralGravity: 0.012, springLength: 150, springConstant: 0.06, avoidOverlap: 0.6 },
      stabilization: { enabled: true, iterations: 600, updateInterval: 50, fit: true }
    }
  };
  var container = document.getElementById("network");
  var stable = big || N === 0;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  view.network = network; view.nodes = nodes; view.edges = edges;
  // Labels that do not overlap: once the layout has settled, nodes whose boxes (shape and label, as vis-network
  // measured them when drawing) overlap are pushed apart along the axis where they overlap least, until none do.
  // Labels are drawn at a size proportional to the zoom, so boxes apart in the drawing stay apart at any zoom.
  var decluttered = big || N === 0;
  function declutter() {
    var ids = network.body.nodeIndices.slice();
    var box = [], pos = [];
    ids.forEach(function (id) {
      var node = network.body.nodes[id], b = node.shape.boundingBox;
      pos.push([node.x, node.y]);
      box.push([b.left - node.x, b.top - node.y, b.right - node.x, b.bottom - node.y]);
    });
    var GAP = 6, n = ids.length, moved = true;
    for (var pass = 0; pass < 400 && moved; pass++) {
      moved = false;
      for (var a = 0; a < n; a++) {
        for (var b = a + 1; b < n; b++) {
          var A = box[a], B = box[b], pa = pos[a], pb = pos[b];
          var ox = Math.min(pa[0] + A[2], pb[0] + B[2]) - Math.max(pa[0] + A[0], pb[0] + B[0]) + GAP;
          if (ox <= 0) { continue; }
          var oy = Math.min(pa[1] + A[3], pb[1] + B[3]) - Math.max(pa[1] + A[1], pb[1] + B[1]) + GAP;
          if (oy <= 0) { continue; }
          moved = true;
          if (ox < oy) {
            var sx = (pa[0] + (A[0] + A[2]) / 2) <= (pb[0] + (B[0] + B[2]) / 2) ? -1 : 1;
            pa[0] += sx * ox / 2; pb[0] -= sx * ox / 2;
          } else {
            var sy = (pa[1] + (A[1] + A[3]) / 2) <= (pb[1] + (B[1] + B[3]) / 2) ? -1 : 1;
            pa[1] += sy * oy / 2; pb[1] -= sy * oy / 2;
          }
        }
      }
    }
    ids.forEach(function (id, k) { network.moveNode(id, pos[k][0], pos[k][1]); });
    view.declutterPasses = pass;
  }
  view.declutter = declutter;
  function fitWithRoom() {
    network.fit();
    network.moveTo({ scale: network.getScale() * 0.92 });  // room for the labels of the outermost nodes
  }
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    stable = true;
    fitWithRoom();
    network.redraw();
  });
  network.on("afterDrawing", function () {
    if (!stable) { return; }
    if (!decluttered) {  // the boxes are measured by this drawing: move the nodes, then draw again
      decluttered = true;
      declutter();
      fitWithRoom();
      network.redraw();
      return;
    }
    if (!view.ready) {
      view.ready = true;
      view.drawnAt = performance.now();
      document.documentElement.setAttribute("data-drawn", "true");
    }
  });

  // ------------------------------------------------------------------ edge labels on demand
  var allEdgeLabels = false;
  var shownLabels = {};
  function wantedLabels(selectedNodes, selectedEdges, hovered) {
    var want = {};
    selectedEdges.forEach(function (k) { want[k] = true; });
    selectedNodes.forEach(function (id) {
      outgoing[id].forEach(function (k) { want[k] = true; });
      incoming[id].forEach(function (k) { want[k] = true; });
    });
    if (hovered !== null && hovered !== undefined) { want[hovered] = true; }
    return want;
  }
  var hoveredEdge = null;
  function refreshEdgeLabels() {
    var want = allEdgeLabels ? null
      : wantedLabels(network.getSelectedNodes(), network.getSelectedEdges(), hoveredEdge);
    var changes = [];
    for (var k = 0; k < M; k++) {
      var on = want === null ? true : !!want[k];
      if (on !== !!shownLabels[k]) {
        shownLabels[k] = on;
        changes.push({ id: k, label: on ? data.edges[k][2] : "" });
      }
    }
    if (changes.length) { edges.update(changes); }
  }
  view.refreshEdgeLabels = refreshEdgeLabels;
  network.on("hoverEdge", function (params) { hoveredEdge = params.edge; refreshEdgeLabels(); });
  network.on("blurEdge", function () { hoveredEdge = null; refreshEdgeLabels(); });
  network.on("select", refreshEdgeLabels);
  network.on("deselectNode", refreshEdgeLabels);
  network.on("deselectEdge", refreshEdgeLabels);
  var labelsBox = document.getElementById("edge-labels");
  if (data.edgeLabels && M) {
    labelsBox.addEventListener("change", function () { allEdgeLabels = labelsBox.checked; refreshEdgeLabels(); });
  } else {
    labelsBox.parentNode.parentNode.removeChild(labelsBox.parentNode);
  }

  // ------------------------------------------------------------------ legend and filters
  var hiddenTypes = {};
  var legend = document.getElementById("legend-items");
  types.forEach(function (t, index) {
    var li = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = t.key; box.setAttribute("data-type", t.key);
    box.addEventListener("change", function () { setTypeVisible(t.key, box.checked); });
    label.appendChild(box);
    label.appendChild(swatch(t));
    label.appendChild(el("span", "name", t.label));
    label.appendChild(el("span", "count", t.count));
    li.appendChild(label);
    legend.appendChild(li);
  });
  var edgeLegend = document.getElementById("legend-edges");
  var hiddenKinds = {};
  (data.links || []).forEach(function (k) {
    var style = EDGE_STYLES[k.key];
    var li = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = k.key; box.setAttribute("data-kind", k.key);
    box.addEventListener("change", function () { setKindVisible(k.key, box.checked); });
    label.appendChild(box);
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "10"); svg.setAttribute("class", "swatch");
    svg.setAttribute("aria-hidden", "true");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "5"); line.setAttribute("x2", "21"); line.setAttribute("y2", "5");
    line.setAttribute("stroke", style.color.color); line.setAttribute("stroke-width", String(Math.max(1.5, style.width)));
    if (style.dashes) { line.setAttribute("stroke-dasharray", style.dashes.join(" ")); }
    svg.appendChild(line);
    label.appendChild(svg);
    label.appendChild(el("span", "name", style.label));
    label.appendChild(el("span", "count", k.count));
    li.appendChild(label);
    edgeLegend.appendChild(li);
  });
  document.getElementById("size-note").textContent = data.sizeNote || "";

  // Filters. Hiding a type hides its nodes and, with them, their links (vis-network draws no link whose end is
  // hidden); hiding a kind of link hides those links. A node that had links and has none left on screen would
  // float, cut off from what explained it: it is hidden too while "hide isolated nodes" is ticked.
  var hideFloating = document.getElementById("hide-floating");
  var typeOf = function (k) { return types[data.nodes[k][1]].key; };
  function applyFilters() {
    var nodeOn = new Array(N), edgeChanges = [], nodeChanges = [];
    for (var k = 0; k < N; k++) { nodeOn[k] = !hiddenTypes[typeOf(k)]; }
    var visibleLinks = new Array(N).fill(0);
    for (var j = 0; j < M; j++) {
      var edgeOn = !hiddenKinds[edgeStyle[j]];
      var current = edges.get(j).hidden === true;
      if (current === edgeOn) { edgeChanges.push({ id: j, hidden: !edgeOn }); }
      if (edgeOn && nodeOn[data.edges[j][0]] && nodeOn[data.edges[j][1]]) {
        visibleLinks[data.edges[j][0]]++; visibleLinks[data.edges[j][1]]++;
      }
    }
    var floating = hideFloating && hideFloating.checked;
    for (k = 0; k < N; k++) {
      var had = outgoing[k].length + incoming[k].length > 0;
      var on = nodeOn[k] && !(floating && had && visibleLinks[k] === 0);
      if ((nodes.get(k).hidden === true) === on) { nodeChanges.push({ id: k, hidden: !on }); }
    }
    if (edgeChanges.length) { edges.update(edgeChanges); }
    if (nodeChanges.length) { nodes.update(nodeChanges); }
  }
  view.applyFilters = applyFilters;
  if (hideFloating) { hideFloating.addEventListener("change", applyFilters); }
  function setKindVisible(key, visible) {
    hiddenKinds[key] = !visible;
    var boxes = edgeLegend.querySelectorAll("input[type=checkbox]");
    for (var b = 0; b < boxes.length; b++) {
      if (boxes[b].value === key) { boxes[b].checked = visible; }
    }
    applyFilters();
  }
  view.setKindVisible = setKindVisible;
  function setTypeVisible(key, visible) {
    hiddenTypes[key] = !visible;
    var boxes = legend.querySelectorAll("input[type=checkbox]");
    for (var b = 0; b < boxes.length; b++) {
      if (boxes[b].value === key) { boxes[b].checked = visible; }
    }
    applyFilters();
  }
  view.setTypeVisible = setTypeVisible;
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });

  // ------------------------------------------------------------------ panel
  var panel = document.getElementById("panel");
  function clearPanel() {
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
  }
  function hint() {
    clearPanel();
    panel.appendChild(el("p", "hint", "Cliquez sur un nœud ou un lien pour voir ses faits, ses liens et les citations de la source."));
  }
  function pairs(title, list) {
    if (!list || !list.length) { return; }
    panel.appendChild(el("h3", null, title));
    var dl = el("dl");
    list.forEach(function (p) {
      dl.appendChild(el("dt", null, p[0]));
      dl.appendChild(withAmounts(el("dd"), p[1]));
    });
    panel.appendChild(dl);
  }
  function decimal(x) { return Number(x).toFixed(3).replace(".", ","); }
  function metrics(m) {
    var rows = [["liens", String(m[0])], ["centralité de degré", decimal(m[1])],
                ["intermédiarité" + (data.betweennessEstimated ? " (estimée)" : ""), decimal(m[2])],
                ["communauté", String(m[3])]];
    if (m[4]) { rows.push(["aides reçues", m[4]]); }
    if (m[5]) { rows.push(["aides accordées", m[5]]); }
    return rows;
  }
  function quotes(parent, list) {
    (list || []).forEach(function (q) { parent.appendChild(el("blockquote", null, q)); });
  }
  function nodeButton(id) {
    var b = el("button", "link", data.nodes[id][0]);
    b.type = "button";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  function typeLine(typeIndex) {
    var t = types[typeIndex];
    var p = el("p", "type");
    p.appendChild(swatch(t));
    p.appendChild(el("span", null, t.label));
    return p;
  }
  function showNode(id) {
    var info = data.nodeInfo[id];
    clearPanel();
    panel.setAttribute("data-node", String(id));
    panel.removeAttribute("data-edge");
    panel.appendChild(el("h2", "label", data.nodes[id][0]));
    panel.appendChild(typeLine(data.nodes[id][1]));
    panel.appendChild(el("p", "iri", info[0]));
    pairs("Faits", info[1]);
    pairs("Analyse", metrics(info[3]));
    var links = outgoing[id].map(function (k) { return [k, true]; })
      .concat(incoming[id].map(function (k) { return [k, false]; }));
    panel.appendChild(el("h3", null, "Liens (" + links.length + ")"));
    var ul = el("ul", "links");
    links.slice(0, MAX_LINKS).forEach(function (link) {
      var k = link[0], out = link[1], edgeData = data.edges[k];
      var li = el("li");
      li.appendChild(el("span", "arrow", out ? "→ " : "← "));
      li.appendChild(nodeButton(out ? edgeData[1] : edgeData[0]));
      if (edgeData[2]) { li.appendChild(withAmounts(el("span", "edge-label"), " — " + edgeData[2])); }
      quotes(li, data.edgeInfo[k][2]);
      ul.appendChild(li);
    });
    if (links.length > MAX_LINKS) { ul.appendChild(el("li", "hint", "… et " + (links.length - MAX_LINKS) + " autres liens")); }
    panel.appendChild(ul);
    panel.appendChild(el("h3", null, "Citations de la source"));
    if (info[2] && info[2].length) { quotes(panel, info[2]); }
    else { panel.appendChild(el("p", "hint", "Aucune citation ne porte sur ce nœud lui-même (voir ses liens).")); }
  }
  function showEdge(k) {
    var edgeData = data.edges[k], info = data.edgeInfo[k];
    clearPanel();
    panel.setAttribute("data-edge", String(k));
    panel.removeAttribute("data-node");
    panel.appendChild(withAmounts(el("h2", "label"), edgeData[2] || "lien"));
    var p = el("p", "ends");
    p.appendChild(nodeButton(edgeData[0]));
    p.appendChild(document.createTextNode(" → "));
    p.appendChild(nodeButton(edgeData[1]));
    panel.appendChild(p);
    pairs("Faits", info[1]);
    panel.appendChild(el("h3", null, "Citations de la source"));
    if (info[2] && info[2].length) { quotes(panel, info[2]); }
    else { panel.appendChild(el("p", "hint", "Aucune citation pour ce lien.")); }
  }
  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
    else { hint(); panel.removeAttribute("data-node"); panel.removeAttribute("data-edge"); }
  });

  // ------------------------------------------------------------------ search
  function matches(query, limit) {
    var q = fold(query);
    if (!q) { return []; }
    var exact = [], prefix = [], inside = [];
    for (var k = 0; k < N; k++) {
      var f = folded[k];
      if (f === q) { exact.push(k); }
      else if (f.indexOf(q) === 0) { prefix.push(k); }
      else if (f.indexOf(q) > 0) { inside.push(k); }
      if (exact.length >= limit) { break; }
    }
    return exact.concat(prefix, inside).slice(0, limit);
  }
  function focusNode(id) {
    var type = types[data.nodes[id][1]].key;
    if (hiddenTypes[type]) { setTypeVisible(type, true); }
    if (nodes.get(id).hidden) { nodes.update({ id: id, hidden: false }); }
    network.selectNodes([id]);
    refreshEdgeLabels();
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showNode(id);
    view.focused = id;
  }
  view.focusNode = focusNode;
  view.selectNode = function (id) { network.selectNodes([id]); showNode(id); refreshEdgeLabels(); };
  view.selectEdge = function (k) { network.selectEdges([k]); showEdge(k); refreshEdgeLabels(); };
  view.matches = matches;
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  function listMatches() {
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!input.value.trim()) { return []; }
    var found = matches(input.value, 12);
    if (!found.length) { results.appendChild(el("li", "none", "Aucun nœud ne correspond.")); }
    found.forEach(function (k) {
      var li = el("li");
      var b = el("button", null, data.nodes[k][0]);
      b.type = "button";
      b.appendChild(el("span", "kind", types[data.nodes[k][1]].label));
      b.addEventListener("click", function () { focusNode(k); results.textContent = ""; });
      li.appendChild(b);
      results.appendChild(li);
    });
    return found;
  }
  input.addEventListener("input", listMatches);
  document.getElementById("search").addEventListener("submit", function (event) {
    event.preventDefault();
    var found = listMatches();
    if (found.length) { focusNode(found[0]); while (results.firstChild) { results.removeChild(results.firstChild); } }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { while (results.firstChild) { results.removeChild(results.firstChild); } }
  });
})();
