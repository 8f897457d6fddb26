"""The site's own script (extra_javascript): a search result opens the table row it found.

Material's search finds a page section, not a row: a guest found by its MAC or address would land
at the top of a long table. With the `search.highlight` feature a result link carries the words
searched for (`?h=...`); this script picks the table row (one with an id, or holding an element with
one) whose words match them best, makes it the URL's fragment (so `:target` styles apply and the
back button returns to the search) and scrolls it into view. No request, no dependency.
"""

from __future__ import annotations

SITE_JS_PATH = "assets/netdoc.js"
SITE_JS = r"""// netdoc: open the table row a search result found (see netdoc/render/site_js.py).
(function () {
  "use strict";
  var words = function (text) {
    // The search index splits the same way (SEARCH_SEPARATOR): MACs on colons, CIDRs on "/".
    return text.toLowerCase().split(/[^a-z0-9.]+|\.(?![0-9])/).filter(Boolean);
  };
  var score = function (terms, rowWords) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var best = 0;
      for (var j = 0; j < rowWords.length && best < 2; j++) {
        if (rowWords[j] === terms[i]) best = 2;
        else if (rowWords[j].indexOf(terms[i]) === 0) best = 1;
      }
      if (best === 0) return 0; // every word searched for must be in the row
      total += best;
    }
    return total;
  };
  var open = function () {
    var h = new URLSearchParams(window.location.search).get("h");
    if (!h) return;
    var terms = words(h);
    if (!terms.length) return;
    var found = null, foundId = "", top = 0;
    var rows = document.querySelectorAll(".md-content table tr");
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var anchor = row.id ? row : row.querySelector("[id]");
      if (!anchor) continue;
      var s = score(terms, words(row.textContent || ""));
      if (s > top) { top = s; found = row; foundId = anchor.id; }
    }
    if (!found) return;
    found.classList.add("netdoc-found");
    if (window.location.hash !== "#" + foundId) window.location.replace("#" + foundId);
    found.scrollIntoView({ block: "center" });
  };
  var style = document.createElement("style");
  style.textContent = "tr.netdoc-found > td { background: var(--md-accent-fg-color--transparent); }";
  document.head.appendChild(style);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", open);
  else open();
})();
"""
