/* dtkg money flows: a Sankey (d3-sankey) of funders -> recipients -> earmarked shares, filtered by year and funder.
   Every label is written with textContent; the SVG is built with createElementNS, never from markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sankey-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var box = document.getElementById("sankey-box");
  var yearSelect = document.getElementById("sankey-year");
  var funderSelect = document.getElementById("sankey-funder");
  var totalText = document.getElementById("sankey-total");
  var COLUMN_NAMES = ["financeur", "bénéficiaire", "part affectée"];

  function option(select, value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text; select.appendChild(o);
  }
  function euros(x) {
    var parts = (Math.round(x * 100) / 100).toFixed(2).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, " ");
    return whole + (parts[1] !== "00" ? "," + parts[1] : "") + " €";
  }
  var years = {}, funders = {};
  data.wholes.forEach(function (w) { years[w[3] || "?"] = true; funders[w[0]] = true; });
  Object.keys(years).sort().forEach(function (y) { option(yearSelect, y, y === "?" ? "non précisée" : y); });
  Object.keys(funders).map(Number).sort(function (a, b) { return data.nodes[a][0].localeCompare(data.nodes[b][0]); })
    .forEach(function (f) { option(funderSelect, String(f), data.nodes[f][0]); });

  function el(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function draw() {
    var year = yearSelect.value, funder = funderSelect.value;
    var ids = {}, nodes = [], links = [], total = 0;
    function nodeId(column, index) {
      var key = column + ":" + index;
      if (!(key in ids)) { ids[key] = nodes.length; nodes.push({ column: column, index: index }); }
      return ids[key];
    }
    var kept = {};
    data.wholes.forEach(function (w, i) {
      if (year && (w[3] || "?") !== year) { return; }
      if (funder && String(w[0]) !== funder) { return; }
      kept[i] = true;
      total += Number(w[2]);
      links.push({ source: nodeId(0, w[0]), target: nodeId(1, w[1]), value: Number(w[2]), amount: w[2],
                   share: false, title: w[5] });
    });
    data.shares.forEach(function (s) {
      if (!kept[s[0]]) { return; }
      var whole = data.wholes[s[0]];
      links.push({ source: nodeId(1, whole[1]), target: nodeId(2, s[1]), value: Number(s[2]), amount: s[2],
                   share: true, title: s[3] });
    });
    while (box.firstChild) { box.removeChild(box.firstChild); }
    totalText.textContent = links.length ? "Total des aides dessinées : " + euros(total) : "Aucune aide pour ce filtre.";
    if (!links.length) { return; }
    var width = Math.max(box.clientWidth || 900, 600);
    var perColumn = [0, 0, 0];
    nodes.forEach(function (n) { perColumn[n.column]++; });
    var height = 40 + 34 * Math.max.apply(null, perColumn);
    var layout = d3.sankey().nodeWidth(14).nodePadding(16).nodeAlign(function (n) { return nodes[n.index].column; })
      .extent([[1, 10], [width - 230, height - 10]]);
    var graph = layout({ nodes: nodes.map(function (n) { return Object.assign({}, n); }),
                         links: links.map(function (l) { return Object.assign({}, l); }) });
    var svg = el("svg", { id: "sankey", xmlns: SVG, viewBox: "0 0 " + width + " " + height, width: width,
                          height: height, role: "img" });
    svg.appendChild(el("title", {}, "Flux financiers : " + euros(total)));
    var style = el("style", {}, "path{fill:none;stroke-opacity:.45}path.whole{stroke:#d55e00}path.share{stroke:#009e73}" +
      "rect{fill:#0072b2}text{font:11px sans-serif;paint-order:stroke;stroke:#fff;stroke-width:3px}");
    svg.appendChild(style);
    var linkGroup = el("g", { "class": "links" });
    var path = d3.sankeyLinkHorizontal();
    graph.links.forEach(function (l) {
      var p = el("path", { d: path(l), "stroke-width": Math.max(1, l.width), "class": l.share ? "share" : "whole",
                           "data-amount": l.amount });
      p.appendChild(el("title", {}, data.nodes[nodes[l.source.index].index][0] + " → " +
                       data.nodes[nodes[l.target.index].index][0] + " : " + euros(l.value) + " (" + l.title + ")"));
      linkGroup.appendChild(p);
    });
    svg.appendChild(linkGroup);
    var nodeGroup = el("g", { "class": "nodes" });
    graph.nodes.forEach(function (n) {
      var info = data.nodes[n.index];
      var rect = el("rect", { x: n.x0, y: n.y0, width: n.x1 - n.x0, height: Math.max(1, n.y1 - n.y0),
                              "class": "col" + n.column });
      rect.appendChild(el("title", {}, info[0] + " (" + COLUMN_NAMES[n.column] + ") : " + euros(n.value)));
      nodeGroup.appendChild(rect);
      var text = el("text", { x: n.x1 + 4, y: (n.y0 + n.y1) / 2, dy: "0.35em" }, info[0] + " — " + euros(n.value));
      if (info[1]) {
        var a = el("a", { href: info[1] });
        a.appendChild(text);
        nodeGroup.appendChild(a);
      } else {
        nodeGroup.appendChild(text);
      }
    });
    svg.appendChild(nodeGroup);
    box.appendChild(svg);
  }

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function svgText() {
    var svg = document.getElementById("sankey");
    return svg ? new XMLSerializer().serializeToString(svg) : "";
  }
  document.getElementById("export-svg").addEventListener("click", function () {
    var text = svgText();
    if (text) { download(new Blob([text], { type: "image/svg+xml" }), "flux.svg"); }
  });
  document.getElementById("export-png").addEventListener("click", function () {
    var text = svgText();
    if (!text) { return; }
    var svg = document.getElementById("sankey");
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = svg.width.baseVal.value * 2; canvas.height = svg.height.baseVal.value * 2;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { download(blob, "flux.png"); }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  });
  yearSelect.addEventListener("change", draw);
  funderSelect.addEventListener("change", draw);
  draw();
  window.dtkgSankey = { ready: true, draw: draw };
}());
