/* dtkg time line: the as-of filter hides what starts after the chosen date and marks what has ended before it.
   Dates are ISO strings (yyyy-mm-dd) written by the generator, compared as strings. */
(function () {
  "use strict";
  var input = document.getElementById("asof");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#timeline tbody tr"));
  var count = document.getElementById("asof-count");
  function apply() {
    var day = input.value;
    var shown = 0;
    rows.forEach(function (row) {
      var from = row.getAttribute("data-from"), to = row.getAttribute("data-to");
      var later = day && from && from > day;
      var ended = day && to && to < day;
      row.hidden = Boolean(later);
      row.classList.toggle("ended", Boolean(ended));
      if (!later) { shown++; }
    });
    count.textContent = day ? shown + " fait(s) au " + day + " sur " + rows.length : rows.length + " fait(s) datés";
  }
  input.addEventListener("input", apply);
  input.addEventListener("change", apply);
  document.getElementById("asof-clear").addEventListener("click", function () { input.value = ""; apply(); });
  var start = new URLSearchParams(window.location.search).get("date");
  if (start) { input.value = start; }
  apply();
  window.dtkgTime = { ready: true, apply: apply };
}());
