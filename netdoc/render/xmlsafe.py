"""Text that XML 1.0 can carry: the characters it forbids shown as U+FFFD.

XML 1.0 allows no C0 control character but tab, newline and carriage return, no lone UTF-16
surrogate and neither U+FFFE nor U+FFFF; one of them from a cluster (a NUL or an escape sequence in
a hand-made snapshot's name) makes the whole file unreadable to every XML parser (JUnit
consumers, yEd, Gephi). Applied to a whole finished document, since the markup itself never holds one.
"""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)
