"""The inventory rules: valid files load with their defaults, and every rule reports its key path and line.

Each invalid case marks the line it expects the problem on with a `# <-` comment.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from netdoc.config import Inventory, load_inventory, parse_inventory
from netdoc.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inventories" / "example.yml"
FP = "5B:0A:43:8E:5D:B1:43:A5:C9:9B:50:4B:E5:CB:01:91:61:99:E6:16:48:4F:5F:F3:87:28:FA:66:91:7C:FC:4F"


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(ConfigError) as info:
        parse_inventory(textwrap.dedent(text), "inv.yml")
    return [(p.key_path, p.line, p.message) for p in info.value.problems]


def marked_line(text: str) -> int:
    lines = [i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if "# <-" in line]
    assert len(lines) == 1, "a case marks exactly one line"
    return lines[0]


def load(text: str, base_dir: Path | None = None) -> Inventory:
    return parse_inventory(textwrap.dedent(text), "inv.yml", base_dir)


API_ONLY = """
clusters:
  - name: c1
    api:
      host: pve1.example.org
      user: netdoc@pve
      token_id: netdoc
      token_secret: env:NETDOC_TOKEN
"""


# ------------------------------------------------------------------------------------------ valid


def test_example_inventory_loads_with_its_choices() -> None:
    inv = load_inventory(EXAMPLE)
    assert [c.name for c in inv.clusters] == ["starwars", "picsou"]
    starwars, picsou = inv.clusters
    assert starwars.api is not None and starwars.ssh is not None and starwars.nodes is not None
    assert starwars.api.auth == "token" and starwars.api.tls_mode == "verify"
    assert starwars.api.verify_ssl == "/etc/netdoc/starwars-ca.pem"
    assert starwars.ssh.sudo is True and starwars.ssh.key_file == Path("~/.ssh/netdoc_ed25519").expanduser()
    assert [(n.name, n.address, n.ssh_port) for n in starwars.nodes] == [
        ("proxmox1", "10.0.0.1", None),
        ("proxmox2", "10.0.0.2", None),
        ("proxmox3", "10.0.0.3", 2222),
    ]
    assert picsou.ssh is None and picsou.nodes is None and picsou.api is not None
    assert picsou.api.tls_mode == "pin" and picsou.api.verify_ssl is False and picsou.api.fingerprint == FP
    assert str(picsou.api.token_secret) == "file:/etc/netdoc/picsou.token"
    assert inv.warnings() == []


def test_defaults_of_an_api_only_cluster() -> None:
    cluster = load(API_ONLY).clusters[0]
    api = cluster.api
    assert api is not None
    assert (api.port, api.verify_tls, api.insecure, api.timeout_s, api.ca_file) == (
        8006,
        True,
        False,
        10,
        None,
    )
    assert api.verify_ssl is True and api.tls_mode == "verify"
    assert cluster.ssh is None and cluster.nodes is None
    assert (cluster.collect.concurrency, cluster.collect.deadline_s, cluster.collect.retries) == (8, 300, 2)


def test_defaults_of_an_ssh_only_cluster() -> None:
    inv = load(
        """
        clusters:
          - name: lab
            ssh: {user: root}
            nodes:
              - {name: pve1, address: 192.0.2.11}
              - {name: pve2, address: "2001:db8::2", ssh_port: 2222}
        """
    )
    ssh = inv.clusters[0].ssh
    assert ssh is not None
    assert (ssh.port, ssh.use_agent, ssh.sudo, ssh.key_file, ssh.timeout_s) == (22, True, False, None, 10)
    assert ssh.known_hosts == Path("~/.ssh/known_hosts").expanduser()
    assert inv.clusters[0].nodes is not None and inv.clusters[0].nodes[1].address == "2001:db8::2"


@pytest.mark.parametrize(
    "written",
    [
        FP,
        FP.lower(),
        FP.replace(":", ""),
        FP.replace(":", "").lower(),
        f"  {FP}  ",
    ],
)
def test_fingerprint_accepted_and_normalised(written: str) -> None:
    inv = load(API_ONLY + f'      fingerprint: "{written}"\n')
    assert inv.clusters[0].api is not None and inv.clusters[0].api.fingerprint == FP


def test_insecure_is_valid_but_warned() -> None:
    inv = load(API_ONLY + "      insecure: true\n")
    api = inv.clusters[0].api
    assert api is not None and api.tls_mode == "insecure" and api.verify_ssl is False
    assert inv.warnings() == ["cluster c1: TLS verification of the API is off (insecure: true)"]


def test_password_login_and_a_pin_without_chain() -> None:
    inv = load(
        f"""
        clusters:
          - name: c1
            api:
              host: 198.51.100.7
              user: root@pam
              password: file:secrets/root.pw
              verify_tls: false
              fingerprint: "{FP}"
        """,
        base_dir=Path("/srv/netdoc"),
    )
    api = inv.clusters[0].api
    assert api is not None and api.auth == "password" and api.tls_mode == "pin"
    assert api.password is not None and api.password.path == Path("/srv/netdoc/secrets/root.pw")


def test_relative_paths_resolve_against_the_inventory_folder(tmp_path: Path) -> None:
    inv_file = tmp_path / "inv.yml"
    inv_file.write_text(
        textwrap.dedent(API_ONLY)
        + "      ca_file: ca/pve-root-ca.pem\n"
        + "    ssh:\n      user: netdoc\n      key_file: keys/id_ed25519\n      known_hosts: ~/kh\n"
    )
    cluster = load_inventory(inv_file).clusters[0]
    assert cluster.api is not None and cluster.ssh is not None
    assert cluster.api.ca_file == tmp_path / "ca" / "pve-root-ca.pem"
    assert cluster.ssh.key_file == tmp_path / "keys" / "id_ed25519"
    assert cluster.ssh.known_hosts == Path.home() / "kh"


# ---------------------------------------------------------------------------------------- invalid

CASES: list[tuple[str, str, str, str]] = [
    # (id, yaml with the problem's line marked, key path, a fragment of the message)
    (
        "literal-token-secret",
        """
        clusters:
          - name: c1
            api:
              host: pve1.example.org
              user: netdoc@pve
              token_id: netdoc
              token_secret: 0b8e5d2a-9f1c-4b7e-a1d3-6c2f8e9b4a70  # <-
        """,
        "clusters[0].api.token_secret",
        "write env:NAME",
    ),
    (
        "literal-password-number",
        """
        clusters:
          - name: c1
            api:
              host: pve1.example.org
              user: root@pam
              password: 123456  # <-
        """,
        "clusters[0].api.password",
        "must not be written in the inventory",
    ),
    (
        "env-name-invalid",
        API_ONLY.replace("env:NETDOC_TOKEN", "env:NETDOC-TOKEN  # <-"),
        "clusters[0].api.token_secret",
        "env: needs a variable name",
    ),
    (
        "file-path-empty",
        API_ONLY.replace("env:NETDOC_TOKEN", "'file:'  # <-"),
        "clusters[0].api.token_secret",
        "file: needs a path",
    ),
    (
        "token-and-password",
        API_ONLY + "      password: env:PW  # <-\n",
        "clusters[0].api.password",
        "password and token_id exclude each other",
    ),
    (
        "token-id-without-secret",
        API_ONLY.replace("      token_secret: env:NETDOC_TOKEN\n", "").replace("netdoc\n", "netdoc  # <-\n"),
        "clusters[0].api.token_id",
        "token_id needs token_secret",
    ),
    (
        "secret-without-token-id",
        API_ONLY.replace("      token_id: netdoc\n", "").replace("NETDOC_TOKEN", "NETDOC_TOKEN  # <-"),
        "clusters[0].api.token_secret",
        "token_secret needs token_id",
    ),
    (
        "no-credentials",
        """
        clusters:
          - name: c1
            api:  # <-
              host: pve1.example.org
              user: netdoc@pve
        """,
        "clusters[0].api",
        "no credentials",
    ),
    (
        "insecure-with-fingerprint",
        API_ONLY + f'      fingerprint: "{FP}"\n      insecure: true  # <-\n',
        "clusters[0].api.insecure",
        "contradicts the pinned fingerprint",
    ),
    (
        "insecure-with-ca-file",
        API_ONLY + "      ca_file: /etc/ca.pem\n      insecure: true  # <-\n",
        "clusters[0].api.insecure",
        "contradicts ca_file",
    ),
    (
        "insecure-with-verify-true",
        API_ONLY + "      verify_tls: true\n      insecure: true  # <-\n",
        "clusters[0].api.insecure",
        "contradicts verify_tls: true",
    ),
    (
        "verify-off-without-pin",
        API_ONLY + "      verify_tls: false  # <-\n",
        "clusters[0].api.verify_tls",
        "would accept any certificate",
    ),
    (
        "ca-file-without-verify",
        API_ONLY + f'      verify_tls: false\n      fingerprint: "{FP}"\n      ca_file: ca.pem  # <-\n',
        "clusters[0].api.ca_file",
        "only when verify_tls is true",
    ),
    (
        "fingerprint-sha1",
        API_ONLY + '      fingerprint: "' + ":".join(["AB"] * 20) + '"  # <-\n',
        "clusters[0].api.fingerprint",
        "looks like SHA-1",
    ),
    (
        "fingerprint-short",
        API_ONLY + '      fingerprint: "' + ":".join(["AB"] * 31) + '"  # <-\n',
        "clusters[0].api.fingerprint",
        "32 hex byte pairs",
    ),
    (
        "fingerprint-not-hex",
        API_ONLY + '      fingerprint: "' + ":".join(["ZZ"] * 32) + '"  # <-\n',
        "clusters[0].api.fingerprint",
        "not a SHA-256 fingerprint",
    ),
    (
        "fingerprint-some-colons",
        API_ONLY + '      fingerprint: "' + FP.replace(":", "", 3) + '"  # <-\n',
        "clusters[0].api.fingerprint",
        "not a SHA-256 fingerprint",
    ),
    (
        "no-api-no-ssh",
        """
        clusters:
          - name: c1  # <-
            nodes: [{name: pve1, address: 192.0.2.1}]
        """,
        "clusters[0]",
        "needs api, ssh, or both",
    ),
    (
        "ssh-only-without-nodes",
        """
        clusters:
          - name: c1  # <-
            ssh: {user: root}
        """,
        "clusters[0]",
        "list them under nodes",
    ),
    (
        "nodes-empty",
        API_ONLY + "    nodes: []  # <-\n",
        "clusters[0].nodes",
        "should not be empty",
    ),
    (
        "duplicate-cluster-names",
        API_ONLY + "  - name: C1  # <-\n    ssh: {user: root}\n    nodes: [{name: a, address: 192.0.2.1}]\n",
        "clusters[1].name",
        "cluster name 'C1' is already used by clusters[0]",
    ),
    (
        "duplicate-node-names",
        API_ONLY
        + "    nodes:\n      - {name: pve1, address: 192.0.2.1}\n      - {name: pve1, address: 192.0.2.2}  # <-\n",
        "clusters[0].nodes[1].name",
        "node name 'pve1' is already used by nodes[0]",
    ),
    (
        "duplicate-node-addresses",
        API_ONLY
        + "    nodes:\n      - {name: pve1, address: 192.0.2.1}\n      - {name: pve2, address: 192.0.2.1}  # <-\n",
        "clusters[0].nodes[1].address",
        "address '192.0.2.1' is already used by nodes[0]",
    ),
    (
        "ssh-port-without-ssh",
        API_ONLY
        + "    nodes:\n      - name: pve1\n        address: 192.0.2.1\n        ssh_port: 2222  # <-\n",
        "clusters[0].nodes[0].ssh_port",
        "no ssh section",
    ),
    (
        "ssh-without-any-key",
        API_ONLY + "    ssh:\n      user: netdoc\n      use_agent: false  # <-\n",
        "clusters[0].ssh.use_agent",
        "no way to log in",
    ),
    (
        "unknown-top-level-key",
        API_ONLY + "cluster: []  # <-\n",
        "cluster",
        "unknown key (did you mean clusters?)",
    ),
    (
        "unknown-api-key",
        API_ONLY + "      tokenid: x  # <-\n",
        "clusters[0].api.tokenid",
        "unknown key (did you mean token_id?)",
    ),
    (
        "unknown-node-key",
        API_ONLY
        + "    nodes:\n      - name: pve1\n        address: 192.0.2.1\n        ip: 192.0.2.1  # <-\n",
        "clusters[0].nodes[0].ip",
        "known keys here: address, name, ssh_port",
    ),
    (
        "unknown-collect-key",
        API_ONLY + "    collect:\n      timeout: 3  # <-\n",
        "clusters[0].collect.timeout",
        "known keys here: concurrency, deadline_s, max_output_mib, retries",
    ),
    (
        "missing-host",
        API_ONLY.replace("      host: pve1.example.org\n", "").replace("    api:\n", "    api:  # <-\n"),
        "clusters[0].api.host",
        "required key missing",
    ),
    (
        "missing-cluster-name",
        """
        clusters:
          - api:  # <-
              host: pve1.example.org
              user: netdoc@pve
              password: env:PW
        """,
        "clusters[0].name",
        "required key missing",
    ),
    (
        "missing-ssh-user",
        API_ONLY + "    ssh:  # <-\n      sudo: true\n",
        "clusters[0].ssh.user",
        "required key missing",
    ),
    (
        "port-out-of-range",
        API_ONLY + "      port: 70000  # <-\n",
        "clusters[0].api.port",
        "less than or equal to 65535",
    ),
    (
        "port-not-a-number",
        API_ONLY + "      port: https  # <-\n",
        "clusters[0].api.port",
        "valid integer",
    ),
    (
        "bool-as-string",
        API_ONLY + '      verify_tls: "false"  # <-\n',
        "clusters[0].api.verify_tls",
        "should be true or false",
    ),
    (
        "timeout-zero",
        API_ONLY + "      timeout_s: 0  # <-\n",
        "clusters[0].api.timeout_s",
        "greater than 0",
    ),
    (
        "concurrency-zero",
        API_ONLY + "    collect:\n      concurrency: 0  # <-\n",
        "clusters[0].collect.concurrency",
        "greater than or equal to 1",
    ),
    (
        "retries-too-many",
        API_ONLY + "    collect:\n      retries: 50  # <-\n",
        "clusters[0].collect.retries",
        "less than or equal to 10",
    ),
    (
        "user-is-a-token-id",
        API_ONLY.replace("netdoc@pve", "netdoc@pve!netdoc  # <-"),
        "clusters[0].api.user",
        "token's name (after the !) in token_id",
    ),
    (
        "user-without-realm",
        API_ONLY.replace("netdoc@pve", "netdoc  # <-"),
        "clusters[0].api.user",
        "user@realm",
    ),
    (
        "token-id-full-form",
        API_ONLY.replace("token_id: netdoc", "token_id: netdoc@pve!netdoc  # <-"),
        "clusters[0].api.token_id",
        "only the token's name",
    ),
    (
        "host-with-scheme",
        API_ONLY.replace("host: pve1.example.org", "host: https://pve1.example.org:8006  # <-"),
        "clusters[0].api.host",
        "without https://",
    ),
    (
        "host-with-port",
        API_ONLY.replace("host: pve1.example.org", "host: pve1.example.org:8006  # <-"),
        "clusters[0].api.host",
        "without a port",
    ),
    (
        "host-bracketed-ipv6",
        API_ONLY.replace("host: pve1.example.org", 'host: "[2001:db8::1]"  # <-'),
        "clusters[0].api.host",
        "without brackets",
    ),
    (
        "host-with-space",
        API_ONLY.replace("host: pve1.example.org", "host: pve 1  # <-"),
        "clusters[0].api.host",
        "not a valid host name",
    ),
    (
        "cluster-name-with-slash",
        API_ONLY.replace("name: c1", "name: a/b  # <-"),
        "clusters[0].name",
        "letters, digits, . _ and -",
    ),
    (
        "node-name-with-dot",
        API_ONLY + "    nodes:\n      - name: pve1.example.org  # <-\n        address: 192.0.2.1\n",
        "clusters[0].nodes[0].name",
        "a node name is a host name",
    ),
    (
        "section-not-a-mapping",
        API_ONLY + "    ssh: netdoc  # <-\n",
        "clusters[0].ssh",
        "should be a mapping",
    ),
    (
        "clusters-not-a-list",
        "clusters: starwars  # <-\n",
        "clusters",
        "should be a list",
    ),
    (
        "duplicate-yaml-key",
        API_ONLY.replace("      user: netdoc@pve\n", "      user: netdoc@pve\n      user: root@pam  # <-\n"),
        "clusters[0].api.user",
        "key given twice (first at line 6)",
    ),
]


@pytest.mark.parametrize(("text", "path", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_reports_key_path_and_line(text: str, path: str, fragment: str) -> None:
    found = problems(text)
    matching = [p for p in found if p[0] == path]
    assert matching, f"no problem at {path}; got {found}"
    assert any(fragment in p[2] for p in matching), f"{fragment!r} not in {matching}"
    assert matching[0][1] == marked_line(text), f"wrong line: {matching}"


def test_every_problem_of_a_file_at_once() -> None:
    text = """
        clusters:
          - name: starwars
            api:
              host: https://pve1.example.org
              port: 99999
              user: netdoc@pve
              token_id: netdoc
              token_secret: hunter2
              insecure: true
              fingerprint: "AB:CD"
              tokn: 1
            ssh:
              user: netdoc
              use_agent: false
            nodes:
              - name: pve1
                address: 192.0.2.11
              - name: pve1
                address: 192.0.2.12
          - name: starwars
            collect:
              concurrency: 0
        """
    assert [(p, line) for p, line, _ in problems(text)] == [
        ("clusters[0].api.host", 5),
        ("clusters[0].api.port", 6),
        ("clusters[0].api.token_secret", 9),
        ("clusters[0].api.insecure", 10),
        ("clusters[0].api.fingerprint", 11),
        ("clusters[0].api.tokn", 12),
        ("clusters[0].ssh.use_agent", 15),
        ("clusters[0].nodes[1].name", 19),
        ("clusters[1]", 21),
        ("clusters[1].name", 21),
        ("clusters[1].collect.concurrency", 23),
    ]


def test_yaml_syntax_error_has_its_line() -> None:
    found = problems(API_ONLY + "    ssh: {user: root\n    nodes: []\n")
    assert len(found) == 1
    path, line, message = found[0]
    assert path == "" and line == 10
    assert message.startswith(
        "YAML syntax error (column 10): while parsing a flow mapping (started at line 9)"
    )


def test_yaml_syntax_error_does_not_quote_the_line() -> None:
    found = problems(API_ONLY.replace("env:NETDOC_TOKEN", '"s3cr3t-literal'))
    assert len(found) == 1 and found[0][1] is not None
    assert "s3cr3t" not in found[0][2]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "the file is empty"), ("# only a comment\n", "the file is empty"), ("- a\n", "top level")],
)
def test_empty_or_misshapen_file(text: str, fragment: str) -> None:
    found = problems(text)
    assert len(found) == 1 and fragment in found[0][2]


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_inventory(tmp_path / "absent.yml")
    with pytest.raises(ConfigError, match="is a folder"):
        load_inventory(tmp_path)
    bad = tmp_path / "latin1.yml"
    bad.write_bytes(b"clusters:\n  - name: caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_inventory(bad)
    assert info.value.problems[0].line == 2 and "UTF-8" in info.value.problems[0].message


def test_problem_lines_name_file_line_and_key() -> None:
    with pytest.raises(ConfigError) as info:
        parse_inventory(API_ONLY + "      port: 0\n", "inv.yml")
    assert info.value.lines() == [
        "inv.yml: line 9: clusters[0].api.port: should be greater than or equal to 1"
    ]
