// goodterms keyboard layer: ? cheat sheet, / search, j/k move in lists, Ctrl+Enter sends a form (a desk reply too).
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function rows() {
    var list = document.querySelector("[data-list]");
    return list ? Array.prototype.slice.call(list.querySelectorAll("tbody tr, li")) : [];
  }
  var current = -1;
  function move(step) {
    var all = rows();
    if (!all.length) return;
    if (current >= 0 && all[current]) all[current].classList.remove("current");
    current = Math.max(0, Math.min(all.length - 1, current + step));
    var row = all[current];
    row.classList.add("current");
    var link = row.querySelector("a, button");
    if (link) link.focus(); else { row.tabIndex = -1; row.focus(); }
  }
  function openHelp() {
    var d = document.getElementById("cheatsheet");
    if (d && !d.open) { d.showModal(); document.getElementById("help-button").setAttribute("aria-expanded", "true"); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var b = document.getElementById("help-button");
    if (b) b.addEventListener("click", openHelp);
    var d = document.getElementById("cheatsheet");
    if (d) d.addEventListener("close", function () { b.setAttribute("aria-expanded", "false"); });
  });
  // On a phone each table row becomes a card: give every cell its column's heading to show beside it.
  function labelTables(root) {
    var tables = (root || document).querySelectorAll ? (root || document).querySelectorAll("table.list") : [];
    Array.prototype.forEach.call(tables, function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          var head = heads[i];
          var text = head ? head.textContent.replace(/\s+/g, " ").trim() : "";
          if (text && cell.tagName === "TD" && !cell.hasAttribute("colspan")) cell.setAttribute("data-label", text);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelTables(document); });
  document.addEventListener("htmx:afterSwap", function () { current = -1; labelTables(document); });
  // A refused form (422, or 409 when the state changed meanwhile) comes back with its errors next to the fields: show it instead of dropping it.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr && (e.detail.xhr.status === 422 || e.detail.xhr.status === 409)) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.form) {
      e.preventDefault();
      e.target.form.requestSubmit();
      return;
    }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "?") { e.preventDefault(); openHelp(); }
    else if (e.key === "/") {
      var s = document.querySelector("[data-search]");
      if (s) { e.preventDefault(); s.focus(); }
    }
    else if (e.key === "j") move(1);
    else if (e.key === "k") move(-1);
  });
})();
