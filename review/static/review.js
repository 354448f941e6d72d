// Keyboard shortcuts for the review app (no inline scripts: the CSP allows only 'self').
(function () {
  "use strict";
  function click(id) { var el = document.getElementById(id); if (el) { el.click(); return true; } return false; }
  // The text is not in the page: the reveal is recorded by the server, which answers with it (htmx swap).
  function reveal() {
    var f = document.getElementById("reveal-form");
    if (!f) return;
    if (window.htmx) { window.htmx.trigger(f, "submit"); } else { f.submit(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
    var sel = -1;
    function select(i) { if (!rows.length) return; if (sel >= 0) rows[sel].classList.remove("selected");
      sel = Math.max(0, Math.min(rows.length - 1, i)); rows[sel].classList.add("selected"); rows[sel].scrollIntoView({ block: "nearest" }); }
    document.addEventListener("keydown", function (ev) {
      var tag = (ev.target && ev.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var k = ev.key;
      if (k === "?") { var h = document.getElementById("help"); h.hidden = !h.hidden; }
      else if (k === "r") { reveal(); }
      else if (k === "c") { click("act-confirm"); }
      else if (k === "d") { click("act-dismiss"); }
      else if (k === "e") { click("act-escalate"); }
      else if (k === "j") { if (rows.length) select(sel + 1); else click("next-link"); }
      else if (k === "k") { if (rows.length) select(sel - 1); else click("prev-link"); }
      else if (k === "Enter" && sel >= 0) { window.location = rows[sel].dataset.href; }
      else return;
      ev.preventDefault();
    });
  });
})();
