"""docs/checks.md from the checks' own metadata: one section per check (code, severity, why, fix).

`netdoc checks --markdown` prints it; tests/test_checks_doc.py fails when the committed file is
stale (`pytest --update-golden tests/test_checks_doc.py` rewrites it).
"""

from __future__ import annotations

from collections.abc import Sequence

from netdoc.audit.finding import Check, Severity

TOPICS = {
    "bonds": "Bonds and LACP",
    "bridges": "Bridges and Open vSwitch",
    "mtu": "MTU",
    "cluster": "Cluster consistency",
    "corosync": "Corosync",
    "addressing": "Addressing",
    "hygiene": "Hygiene",
    "audit": "The audit itself",
}

HEADER = """\
# Checks

Generated from the checks' own metadata by `netdoc checks --markdown` (do not edit by hand:
tests/test_checks_doc.py fails when this page is stale). `netdoc check SNAPSHOT...` runs every
check below on every cluster and prints each finding with the file and line that show it.

## Severities

| severity | meaning |
|---|---|
| critical | the cluster is at risk now (quorum, storage, every path) |
| high | something is broken now, or a single failure takes a service down |
| medium | lost redundancy, or a misconfiguration that will bite on the next change |
| low | hygiene: unused, inconsistent, or a risk with no impact today |
| info | a fact worth knowing, documented as such (NAT, firewall off): not a problem |

`--fail-on SEVERITY` (default `high`) makes `netdoc check` exit with code 1 when a finding is at
or above it; `--fail-on never` always exits 0.

## Waivers

A finding an admin has accepted goes in a waiver file, given with `--waivers FILE`:

```yaml
waivers:
  - code: nic-unused                    # the check's code
    subject: starwars/proxmox1/enp7s0f*  # <cluster>/<subject> of the finding; * and ? match
    reason: spare ports, cabled in the 2027 upgrade
    expires: 2027-06-30                 # YYYY-MM-DD; after it the waiver is a finding itself
```

A waived finding moves to the waived list (still shown, with its reason and expiry); an expired
waiver waives nothing and is reported as `waiver-expired`. Every problem in the file is reported
at once, with its line (exit code 2).

## Every check
"""


def checks_markdown(checks: Sequence[Check]) -> str:
    counts = {s: sum(1 for c in checks if c.severity is s) for s in Severity}
    lines = [HEADER]
    lines.append(
        f"{len(checks)} checks: "
        + ", ".join(f"{n} {s.value}" for s, n in sorted(counts.items(), key=lambda kv: -kv[0].rank) if n)
        + ".\n"
    )
    lines.append("| code | severity | topic | title |\n|---|---|---|---|")
    for c in checks:
        lines.append(f"| [`{c.code}`](#{c.code}) | {c.severity.value} | {c.topic} | {c.title} |")
    lines.append("")
    for topic, heading in TOPICS.items():
        group = [c for c in checks if c.topic == topic]
        if not group:
            continue
        lines.append(f"## {heading}\n")
        for c in group:
            lines.append(f"### {c.code}\n")
            lines.append(f"**{c.title}** — severity **{c.severity.value}**.\n")
            lines.append(f"Why: {c.rationale}\n")
            lines.append(f"Fix: {c.remediation}\n")
    unknown = sorted({c.topic for c in checks} - set(TOPICS))
    if unknown:
        raise ValueError(f"checks with a topic docs/checks.md does not know: {', '.join(unknown)}")
    return "\n".join(lines).rstrip() + "\n"
