"""The site's own stylesheet (extra_css): wide tables that fit a laptop screen, diagrams that scale,
source files with anchored, numbered lines.

Material gives a table `display: inline-block` in a horizontally scrolling wrapper, with a minimum
column width of 5rem and roomy padding: a node's interfaces table (eleven columns) then hides its
last columns behind a scroll bar at 1366 px. Here a table takes the content's width and its cells
wrap instead: `overflow-wrap: anywhere` lets the table's minimum width shrink (a long address or
a comment breaks), where `break-word` would not change the minimum and the table would overflow.
"""

from __future__ import annotations

SITE_CSS_PATH = "assets/netdoc.css"
SITE_CSS = """\
.md-grid { max-width: 100rem; }
.md-typeset__scrollwrap { overflow-x: visible; margin: 1em 0; }
.md-typeset__table { display: block; padding: 0; }
.md-typeset table:not([class]) {
  display: table; width: 100%; table-layout: auto; font-size: .62rem; line-height: 1.45;
}
.md-typeset table:not([class]) th,
.md-typeset table:not([class]) td {
  min-width: 0; padding: .4em .5em; vertical-align: top; overflow-wrap: break-word; word-break: normal;
}
.md-typeset table:not([class]) th { white-space: normal; }
.md-typeset table:not([class]) code {
  white-space: normal; overflow-wrap: break-word; word-break: normal; padding: 0 .2em; font-size: .95em;
}
.md-typeset table:not([class]) code.netdoc-src { white-space: nowrap; }
.md-typeset table:not([class]) code.netdoc-addr { overflow-wrap: anywhere; }
.md-typeset [id] { scroll-margin-top: 3.6rem; }
.md-typeset tr:target > td,
.md-typeset tr:has(> td > span:target) > td,
.md-typeset tr.netdoc-found > td { background: var(--md-accent-fg-color--transparent); }
.md-typeset td > span[id]:first-child:empty { display: inline; }
.netdoc-diagram { margin: 1em 0; text-align: center; }
.netdoc-diagram svg { max-width: 100%; height: auto; }
.netdoc-source {
  counter-reset: line; font-family: var(--md-code-font-family); font-size: .62rem; line-height: 1.5;
  background: var(--md-code-bg-color); padding: .4em 0; margin: 1em 0;
}
.netdoc-source > span {
  display: block; counter-increment: line; white-space: pre-wrap; overflow-wrap: anywhere;
  padding: 0 .8em 0 5.2em; text-indent: -4.4em;
}
.netdoc-source > span::before {
  content: counter(line); display: inline-block; width: 3.6em; margin-right: .8em; text-indent: 0;
  text-align: right; color: var(--md-default-fg-color--light); user-select: none;
}
.netdoc-source > span:target,
.netdoc-source > span:has(> span:target) { background: var(--md-accent-fg-color--transparent); }
"""
