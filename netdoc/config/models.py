"""The inventory's sections as pydantic models (extra=forbid, frozen), with the rules between keys.

Rules between keys run on the raw mapping beside pydantic's own checks, so that one pass reports
every problem, even in a section where a value is also invalid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from netdoc.config.fields import ApiUser, FilePath, Fingerprint, Host, Loc, Port, Seconds, TokenId, rule
from netdoc.config.secrets import SecretRef


def _given(data: dict[str, Any], key: str) -> bool:
    return data.get(key) is not None


class Section(BaseModel):
    """Base of every inventory section: unknown keys refused, cross-key rules reported with the rest."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    @classmethod
    def _rules(cls, data: dict[str, Any]) -> list[tuple[Loc, str]]:
        """Rules between keys, checked on the raw mapping so they show even when a field is invalid."""
        return []

    @model_validator(mode="wrap")
    @classmethod
    def _validate_all(cls, data: Any, handler: Callable[[Any], Any]) -> Any:
        details: list[InitErrorDetails] = []
        result = None
        try:
            result = handler(data)
        except ValidationError as exc:
            # Re-raised as netdoc problems with the same type and message; the input (which may be a
            # secret) is dropped so that it can never reach a message.
            details = [
                InitErrorDetails(type=PydanticCustomError(e["type"], e["msg"]), loc=e["loc"], input=None)
                for e in exc.errors()
            ]
        if isinstance(data, dict):
            details += [
                InitErrorDetails(type=rule(message), loc=loc, input=None) for loc, message in cls._rules(data)
            ]
        if details:
            raise ValidationError.from_exception_data(cls.__name__, details)
        return result


class ApiConfig(Section):
    """How to reach the cluster's Proxmox VE API (any node answers for the whole cluster)."""

    host: Host = Field(description="Host name or IP address of a node's API (no scheme, no port).")
    port: Port = Field(default=8006, description="API port.")
    user: ApiUser = Field(
        description="Proxmox user as user@realm (for example netdoc@pve); with a token, the token's owner.",
    )
    token_id: TokenId | None = Field(
        default=None,
        description="API token name (the part after the !); recommended. Needs token_secret.",
    )
    token_secret: SecretRef | None = Field(
        default=None, description="The token's secret, by reference only: env:NAME or file:PATH."
    )
    password: SecretRef | None = Field(
        default=None,
        description="Password for ticket login instead of a token, by reference only: env:NAME or file:PATH.",
    )
    verify_tls: StrictBool = Field(
        default=True,
        description="Check the certificate chain and host name (against ca_file or the system CAs). "
        "false is allowed only with a fingerprint (pinning) or insecure: true.",
    )
    ca_file: FilePath | None = Field(
        default=None, description="PEM file of the CA that signed the API certificate (used with verify_tls)."
    )
    fingerprint: Fingerprint | None = Field(
        default=None,
        description="Pinned SHA-256 fingerprint of the server certificate, 32 hex byte pairs as Proxmox "
        "shows it (colons optional). With verify_tls: false, the pin alone decides.",
    )
    insecure: StrictBool = Field(
        default=False,
        description="Explicitly turn TLS verification off (warned about on every run). "
        "Not allowed with fingerprint or ca_file.",
    )
    timeout_s: Seconds = Field(default=10, description="Timeout of one API request, in seconds.")

    @classmethod
    def _rules(cls, data: dict[str, Any]) -> list[tuple[Loc, str]]:
        out: list[tuple[Loc, str]] = []
        token, secret, password = (_given(data, k) for k in ("token_id", "token_secret", "password"))
        if token and password:
            out.append((("password",), "password and token_id exclude each other: use a token or a password"))
        if token and not secret:
            out.append((("token_id",), "token_id needs token_secret (env:NAME or file:PATH)"))
        if secret and not token:
            out.append((("token_secret",), "token_secret needs token_id (the token's name)"))
        if not (token or secret or password):
            out.append(((), "no credentials: give token_id and token_secret (recommended), or password"))
        insecure = data.get("insecure") is True
        verify = data.get("verify_tls")
        if insecure and _given(data, "fingerprint"):
            out.append(
                (("insecure",), "insecure: true contradicts the pinned fingerprint: remove one of them")
            )
        if insecure and _given(data, "ca_file"):
            out.append((("insecure",), "insecure: true contradicts ca_file: remove one of them"))
        if insecure and verify is True:
            out.append((("insecure",), "insecure: true contradicts verify_tls: true: remove one of them"))
        if verify is False and not insecure:
            if _given(data, "ca_file"):
                out.append((("ca_file",), "ca_file is used only when verify_tls is true"))
            if not _given(data, "fingerprint"):
                out.append(
                    (
                        ("verify_tls",),
                        "verify_tls: false alone would accept any certificate: pin it with fingerprint, "
                        "or write insecure: true to accept the risk explicitly",
                    )
                )
        return out

    @property
    def auth(self) -> Literal["token", "password"]:
        return "token" if self.token_id else "password"

    @property
    def tls_mode(self) -> Literal["verify", "pin", "insecure"]:
        """verify: chain + host name (+ the pin when given); pin: the fingerprint alone; insecure: nothing."""
        if self.insecure:
            return "insecure"
        return "verify" if self.verify_tls else "pin"

    @property
    def verify_ssl(self) -> bool | str:
        """The value for proxmoxer/requests `verify_ssl`: the CA file, True, or False (pin/insecure)."""
        if self.tls_mode != "verify":
            return False
        return str(self.ca_file) if self.ca_file else True


class SshConfig(Section):
    """How to log in to every node over SSH (key file or agent; host keys always verified)."""

    user: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$",
        description="SSH login user on every node (for example netdoc).",
    )
    port: Port = Field(default=22, description="SSH port (a node's ssh_port overrides it).")
    key_file: FilePath | None = Field(
        default=None, description="Private key file; when absent the SSH agent is used (if use_agent)."
    )
    use_agent: StrictBool = Field(default=True, description="Use the keys of the running SSH agent.")
    known_hosts: FilePath = Field(
        default=Path("~/.ssh/known_hosts"),
        validate_default=True,
        description="known_hosts file the host keys are verified against; unknown hosts are rejected.",
    )
    sudo: StrictBool = Field(default=False, description="Run the commands that need root with `sudo -n`.")
    timeout_s: Seconds = Field(default=10, description="Timeout of the connection and of each command, in s.")

    @classmethod
    def _rules(cls, data: dict[str, Any]) -> list[tuple[Loc, str]]:
        if not _given(data, "key_file") and data.get("use_agent") is False:
            return [(("use_agent",), "no way to log in: give key_file, or set use_agent: true")]
        return []


class NodeConfig(Section):
    """One node, listed by hand (needed without an API; otherwise to set SSH addresses)."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
        description="The node's Proxmox name (its host name, as in the GUI).",
    )
    address: Host = Field(description="Address netdoc connects to over SSH (and tries for the API).")
    ssh_port: Port | None = Field(default=None, description="SSH port of this node, overriding ssh.port.")


class CollectConfig(Section):
    """Knobs of a collection run."""

    concurrency: int = Field(default=8, ge=1, le=256, description="Requests and commands run at once.")
    deadline_s: Seconds = Field(default=300, description="The whole cluster's collection stops after this.")
    retries: int = Field(default=2, ge=0, le=10, description="Retries of a failed request or command.")
    max_output_mib: int = Field(
        default=64,
        ge=1,
        le=4096,
        description="Largest API reply or command output kept, in MiB; a larger one is cut and is a gap.",
    )


class ClusterConfig(Section):
    """One Proxmox VE cluster (or standalone node)."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9._-]+$",
        max_length=64,
        description="Unique name of the cluster (letters, digits, . _ -); names its folders.",
    )
    api: ApiConfig | None = Field(default=None, description="The API; without it, SSH-only collection.")
    ssh: SshConfig | None = Field(
        default=None, description="SSH to the nodes; without it, API-only collection."
    )
    nodes: tuple[NodeConfig, ...] | None = Field(
        default=None,
        min_length=1,
        description="The nodes; when absent they are discovered from the API (/cluster/status).",
    )
    collect: CollectConfig = Field(default_factory=CollectConfig, description="Collection knobs.")

    @classmethod
    def _rules(cls, data: dict[str, Any]) -> list[tuple[Loc, str]]:
        out: list[tuple[Loc, str]] = []
        name = data.get("name")
        if name in (".", ".."):
            out.append((("name",), "is not a usable name"))
        has_api, has_ssh = _given(data, "api"), _given(data, "ssh")
        if not has_api and not has_ssh:
            out.append(((), "needs api, ssh, or both (api alone: API-only; ssh alone: SSH-only)"))
        nodes = data.get("nodes")
        if not has_api and has_ssh and nodes is None:
            out.append(((), "without api the nodes cannot be discovered: list them under nodes"))
        if isinstance(nodes, list):
            out += _duplicates(nodes, "name", "nodes", "node name")
            out += _duplicates(nodes, "address", "nodes", "address")
            if not has_ssh:
                out += [
                    (("nodes", i, "ssh_port"), "ssh_port is set but the cluster has no ssh section")
                    for i, node in enumerate(nodes)
                    if isinstance(node, dict) and _given(node, "ssh_port")
                ]
        return out


class Inventory(Section):
    """A netdoc inventory: the clusters to document and how to reach them."""

    model_config = ConfigDict(title="netdoc inventory")

    clusters: tuple[ClusterConfig, ...] = Field(
        min_length=1, description="The clusters, each with a unique name."
    )

    @classmethod
    def _rules(cls, data: dict[str, Any]) -> list[tuple[Loc, str]]:
        clusters = data.get("clusters")
        return _duplicates(clusters, "name", "clusters", "cluster name") if isinstance(clusters, list) else []

    def cluster(self, name: str) -> ClusterConfig | None:
        return next((c for c in self.clusters if c.name == name), None)

    def warnings(self) -> list[str]:
        """What is valid but unsafe; shown by `netdoc inventory check` and on every run."""
        return [
            f"cluster {c.name}: TLS verification of the API is off (insecure: true)"
            for c in self.clusters
            if c.api is not None and c.api.insecure
        ]


def _duplicates(items: list[Any], key: str, where: str, what: str) -> list[tuple[Loc, str]]:
    """Entries whose `key` repeats an earlier one (compared case-insensitively: they name folders)."""
    seen: dict[str, int] = {}
    out: list[tuple[Loc, str]] = []
    for i, item in enumerate(items):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue
        first = seen.setdefault(value.casefold(), i)
        if first != i:
            out.append(((where, i, key), f"{what} {value!r} is already used by {where}[{first}]"))
    return out
