/* dtkg site search: client-side, over labels and short facts (acronyms, SIREN, RNA, INSEE codes). Results are
   built with textContent only, so that no label is ever parsed as HTML. */
(function () {
  "use strict";
  var rows = JSON.parse(document.getElementById("search-index").textContent);
  var form = document.getElementById("search");
  var up = form.getAttribute("data-up") || "";
  var here = form.getAttribute("data-key") || "";
  var keysElement = document.getElementById("search-keys");
  var shardKeys = keysElement ? JSON.parse(keysElement.textContent) : null;  // null: the whole index is here
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var count = document.getElementById("count");
  var MAX = 50;
  function fold(s) {
    return String(s).replace(/[\u2019\u2018]/g, "'").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }
  var labels = rows.map(function (r) { return fold(r[0]); });
  var keys = rows.map(function (r) { return fold(r[0]) + " | " + fold(r[3]) + " | " + fold(r[3]).replace(/ /g, ""); });
  function shardOf(word) {  // the longest key of a split index that begins the word, or ""
    var w = word.replace(/[^a-z0-9]/g, "");
    for (var n = w.length; n > 0; n--) {
      if (Object.prototype.hasOwnProperty.call(shardKeys, w.slice(0, n))) { return w.slice(0, n); }
    }
    return w.length >= 2 ? null : "";
  }
  function run() {
    var words = fold(input.value).split(" ").filter(Boolean);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!words.length) { count.textContent = ""; return; }
    if (shardKeys) {  // a split index: go to the page of the query word with the fewest rows
      var pages = words.map(shardOf);
      if (pages.indexOf(null) >= 0) { count.textContent = "Aucun résultat."; return; }
      pages = pages.filter(Boolean);
      if (!pages.length) { count.textContent = "Tapez au moins deux lettres ou chiffres."; return; }
      pages.sort(function (a, b) { return shardKeys[a] - shardKeys[b] || b.length - a.length; });
      if (pages.indexOf(here) < 0 || shardKeys[here] > shardKeys[pages[0]]) {
        window.location.href = up + "recherche/" + pages[0] + ".html?q=" + encodeURIComponent(input.value);
        return;
      }
    }
    var query = words.join(" ");
    var hits = [];
    for (var i = 0; i < rows.length; i++) {
      if (!words.every(function (w) { return keys[i].indexOf(w) >= 0; })) { continue; }
      var label = labels[i];
      // exact label first, then labels that start with the query, then labels that hold it, then other matches
      hits.push([label === query ? 0 : label.indexOf(query) === 0 ? 1 : label.indexOf(query) >= 0 ? 2 : 3, i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var found = hits.length;
    hits.slice(0, MAX).forEach(function (hit) {
      var row = rows[hit[1]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = up + row[2];
      a.textContent = row[0];
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = row[1];
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
      list.appendChild(li);
    });
    count.textContent = found === 0 ? "Aucun résultat." :
      found + " résultat" + (found > 1 ? "s" : "") + (found > MAX ? " (les " + MAX + " premiers)" : "");
  }
  input.addEventListener("input", run);
  document.getElementById("search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector("a");
    if (first) { window.location.href = first.href; }
  });
  var start = new URLSearchParams(window.location.search).get("q");
  if (start) { input.value = start; input.focus(); input.setSelectionRange(start.length, start.length); }
  run();
  window.dtkgSearch = { ready: true, run: run };
}());
