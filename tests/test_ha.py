"""HA groups, resources and rules: semantics the migration matrix relies on, and robustness."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from netdoc.parsers.ha import parse_ha_text, parse_node_list
from tests.pvehyp import FAST, lines_of, parses_or_parse_error


def test_node_list_with_and_without_priorities() -> None:
    nodes = parse_node_list("pve1:2, pve2,pve3:x")
    assert [(n.node, n.priority) for n in nodes] == [("pve1", 2), ("pve2", None), ("pve3", None)]


def test_bare_flag_is_true_and_zero_is_false() -> None:
    ha = parse_ha_text("group: a\n\tnodes pve1\n\tnofailback\n\trestricted 0\n", "groups.cfg", "groups")
    (group,) = ha.groups
    assert group.nofailback is True and group.restricted is False


@FAST
@given(
    st.one_of(
        st.text(),
        lines_of(
            [
                "group: g",
                "vm: 100",
                "ct: x",
                "node-affinity: r",
                "\tnodes a:1,b",
                "\tresources vm:1",
                "\tstrict",
                "#",
                "",
            ]
        ),
    )
)
def test_arbitrary_text_never_raises(text: str) -> None:
    for origin in ("groups", "resources", "rules"):
        assert (
            parses_or_parse_error(lambda t, p, o=origin: parse_ha_text(t, p, o), text, f"{origin}.cfg")
            is not None
        )
