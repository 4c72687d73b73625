// jakdata site: sort the rows, filter them by a controlled list, copy the citation.
// Plain JavaScript, no network; the pages are complete without it. Values are only ever
// read and compared (textContent, data-value), never written into the page as HTML.
"use strict";

function setUpTable(table) {
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, i) { row.dataset.order = String(i); });
  var count = document.querySelector("[data-count]");

  function value(row, column) {
    return row.cells[column].dataset.value;
  }

  heads.forEach(function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.setAttribute("aria-label", "sort by " + th.dataset.column);
    th.setAttribute("aria-sort", "none");
    th.appendChild(document.createTextNode(" "));
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var numeric = th.dataset.type === "number";
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var sorted = rows.slice().sort(function (a, b) {
        var x = value(a, column), y = value(b, column), order;
        if (x === "" || y === "") {
          order = (x === "") - (y === "");  // empty cells last, either way
          return order || a.dataset.order - b.dataset.order;
        }
        if (numeric) { order = Number(x) - Number(y); }
        else { order = x < y ? -1 : x > y ? 1 : 0; }
        order = ascending ? order : -order;
        return order || a.dataset.order - b.dataset.order;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });

  var form = document.querySelector("form.filters");
  if (!form) { return; }
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  function columnOf(name) {
    return heads.findIndex(function (th) { return th.dataset.column === name; });
  }
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = selects.every(function (s) {
        return s.value === "" || value(row, columnOf(s.dataset.column)) === s.value;
      });
      row.hidden = !keep;
      shown += keep ? 1 : 0;
    });
    count.textContent = shown === rows.length ? rows.length + " rows" : shown + " of " + rows.length + " rows";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
}

function setUpCopy(button) {
  var source = document.getElementById(button.dataset.copy);
  var status = button.nextElementSibling;
  button.hidden = false;
  button.addEventListener("click", function () {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = function () { status.textContent = "Copied."; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent).then(done, function () {
        status.textContent = "Selected: press Ctrl+C (or Cmd+C) to copy.";
      });
    } else {
      status.textContent = document.execCommand && document.execCommand("copy") ? "Copied."
        : "Selected: press Ctrl+C (or Cmd+C) to copy.";
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  var table = document.getElementById("data");
  if (table) { setUpTable(table); }
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), setUpCopy);
});
