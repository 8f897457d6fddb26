"""The inventory: which clusters netdoc documents and how it reaches them (pydantic, extra=forbid).

`load_inventory(path)` reads the YAML file and validates it in one pass; every problem comes back
at once in one ConfigError, each with its key path (clusters[0].api.port) and its line in the file.
Secrets are never written in the inventory, only referenced (env:NAME or file:PATH), and read at
use time by `SecretRef.reveal()`. Imports only netdoc.errors; used by cli, pipeline, collectors, lab.
"""

from __future__ import annotations

import difflib
import ipaddress
import logging
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from netdoc.errors import ConfigError, ConfigProblem

log = logging.getLogger(__name__)

Loc = tuple[str | int, ...]
SECRET_MAX_BYTES = 64 * 1024
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REF_PATTERN = r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$"
_FINGERPRINT_PATTERN = r"^(([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{64})$"
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _rule(message: str) -> PydanticCustomError:
    """A problem found by netdoc's own checks; the message is shown as it is (it never holds a secret)."""
    return PydanticCustomError("netdoc", message)


# ------------------------------------------------------------------------------------------- secrets


class SecretRef:
    """A reference to a secret (`env:NAME` or `file:PATH`); the secret itself is read only by reveal().

    str() and repr() show the reference as written, never the value.
    """

    __slots__ = ("_where", "path", "scheme", "target")

    def __init__(self, scheme: Literal["env", "file"], target: str, path: Path | None = None) -> None:
        self.scheme = scheme
        self.target = target  # the variable name, or the path as written
        self.path = path  # file: the path resolved against the inventory's folder
        self._where: tuple[str, str, int | None] = ("<inventory>", "", None)

    @classmethod
    def parse(cls, value: object, base_dir: Path | None = None) -> SecretRef:
        """Read a reference; anything else is refused without echoing it (it may be the secret)."""
        if isinstance(value, SecretRef):
            return value
        if not isinstance(value, str) or not value.startswith(("env:", "file:")):
            raise _rule(
                "a secret must not be written in the inventory: put it in an environment variable and "
                "write env:NAME, or in a file only netdoc's user can read and write file:/path/to/file"
            )
        scheme, _, target = value.partition(":")
        if scheme == "env":
            if not _ENV_NAME.match(target):
                raise _rule(
                    "env: needs a variable name of letters, digits and _ (for example env:NETDOC_TOKEN)"
                )
            return cls("env", target)
        if not target.strip():
            raise _rule("file: needs a path (for example file:/etc/netdoc/token)")
        return cls("file", target, _resolve_path(target, base_dir))

    def bind(self, source: str, key_path: str, line: int | None) -> None:
        """Remember where the reference was written, for the errors of reveal()."""
        self._where = (source, key_path, line)

    def _error(self, message: str) -> ConfigError:
        source, key_path, line = self._where
        return ConfigError(source, [ConfigProblem(key_path, f"{self}: {message}", line)])

    def reveal(self) -> str:
        """Read the secret now (environment variable or file); ConfigError when it cannot be read."""
        if self.scheme == "env":
            value = os.environ.get(self.target)
            if value is None:
                raise self._error(f"environment variable {self.target} is not set")
            if not value:
                raise self._error(f"environment variable {self.target} is empty")
            return value
        return self._read_file()

    def _read_file(self) -> str:
        path = self.path or Path(self.target)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise self._error(f"no such file {path}") from None
        except OSError as exc:
            raise self._error(f"cannot read {path}: {exc.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            raise self._error(f"{path} is not a regular file")
        if st.st_size > SECRET_MAX_BYTES:
            raise self._error(f"{path} is {st.st_size} bytes, too large to be a secret")
        if st.st_mode & stat.S_IROTH:
            source, key_path, line = self._where
            where = f"line {line}: " if line is not None else ""
            log.warning(
                "%s: %s%s: %s is readable by every user (mode %04o); run: chmod o-rwx %s",
                source,
                where,
                key_path or "secret",
                path,
                stat.S_IMODE(st.st_mode),
                path,
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise self._error(f"cannot read {path}: {exc.strerror}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise self._error(f"{path} is not UTF-8 text") from None
        value = text.rstrip("\r\n")
        if not value:
            raise self._error(f"{path} is empty")
        return value

    def __str__(self) -> str:
        return f"{self.scheme}:{self.target}"

    def __repr__(self) -> str:
        return f"SecretRef({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretRef) and (self.scheme, self.target) == (other.scheme, other.target)

    def __hash__(self) -> int:
        return hash((self.scheme, self.target))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: object, info: ValidationInfo) -> SecretRef:
            return cls.parse(value, _base_dir(info))

        return core_schema.with_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": _REF_PATTERN}


# ----------------------------------------------------------------------------------- field validators


def _base_dir(info: ValidationInfo) -> Path | None:
    ctx = info.context if isinstance(info.context, dict) else {}
    base = ctx.get("base_dir")
    return base if isinstance(base, Path) else None


def _resolve_path(text: str, base_dir: Path | None) -> Path:
    """`~` is the user's home; a relative path is relative to the inventory's folder."""
    path = Path(text).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


def _path(value: Path, info: ValidationInfo) -> Path:
    if not str(value).strip() or str(value) == ".":
        raise _rule("needs a path")
    return _resolve_path(str(value), _base_dir(info))


def _host(value: object) -> object:
    """A host name or an IP address, alone: no scheme, no port, no brackets."""
    if not isinstance(value, str):
        return value  # pydantic's str check reports it
    host = value.strip()
    if "://" in host or "/" in host:
        raise _rule("give the host name or address only, without https:// or a path")
    if host.startswith("["):
        raise _rule("write an IPv6 address without brackets")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise _rule("give the host without a port (the port has its own key)") from None
        return host
    labels = host.rstrip(".").split(".")
    if not host or not all(_HOST_LABEL.match(label) for label in labels):
        raise _rule("is not a valid host name or IP address")
    return host


def _fingerprint(value: object) -> object:
    """32 hex byte pairs, colons optional, any case -> `AB:CD:...` (as Proxmox shows it)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not re.match(_FINGERPRINT_PATTERN, text):
        pairs = len(re.sub(r"[^0-9A-Fa-f]", "", text)) // 2
        hint = " (that looks like SHA-1; netdoc needs SHA-256)" if pairs == 20 else ""
        raise _rule(
            f"is not a SHA-256 fingerprint: expected 32 hex byte pairs like AB:CD:...:EF, "
            f"colons optional{hint}; see the node's certificate in the GUI or run "
            f"`openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem`"
        )
    digits = text.replace(":", "").upper()
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


def _api_user(value: object) -> object:
    if isinstance(value, str):
        if "!" in value:
            raise _rule("write user@realm here and the token's name (after the !) in token_id")
        if not re.match(r"^[^\s:@!/]+@[A-Za-z][A-Za-z0-9._-]*$", value):
            raise _rule("should be user@realm, for example netdoc@pve or root@pam")
    return value


def _token_id(value: object) -> object:
    if isinstance(value, str):
        if "!" in value or "@" in value:
            raise _rule("write only the token's name (the part after the !), for example netdoc")
        if not re.match(r"^[A-Za-z][A-Za-z0-9._-]*$", value):
            raise _rule("a token id starts with a letter, then letters, digits, ., _ or -")
    return value


Host = Annotated[str, BeforeValidator(_host)]
FilePath = Annotated[Path, AfterValidator(_path)]
Fingerprint = Annotated[
    str,
    BeforeValidator(_fingerprint),
    WithJsonSchema({"type": "string", "pattern": _FINGERPRINT_PATTERN}),
]
Port = Annotated[int, Field(ge=1, le=65535)]
Seconds = Annotated[float, Field(gt=0, le=86400)]


# ------------------------------------------------------------------------------------------- models


def _given(data: dict[str, Any], key: str) -> bool:
    return data.get(key) is not None


class _Section(BaseModel):
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
                InitErrorDetails(type=_rule(message), loc=loc, input=None)
                for loc, message in cls._rules(data)
            ]
        if details:
            raise ValidationError.from_exception_data(cls.__name__, details)
        return result


class ApiConfig(_Section):
    """How to reach the cluster's Proxmox VE API (any node answers for the whole cluster)."""

    host: Host = Field(description="Host name or IP address of a node's API (no scheme, no port).")
    port: Port = Field(default=8006, description="API port.")
    user: Annotated[str, BeforeValidator(_api_user)] = Field(
        description="Proxmox user as user@realm (for example netdoc@pve); with a token, the token's owner.",
    )
    token_id: Annotated[str, BeforeValidator(_token_id)] | None = Field(
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


class SshConfig(_Section):
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


class NodeConfig(_Section):
    """One node, listed by hand (needed without an API; otherwise to set SSH addresses)."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
        description="The node's Proxmox name (its host name, as in the GUI).",
    )
    address: Host = Field(description="Address netdoc connects to over SSH (and tries for the API).")
    ssh_port: Port | None = Field(default=None, description="SSH port of this node, overriding ssh.port.")


class CollectConfig(_Section):
    """Knobs of a collection run."""

    concurrency: int = Field(default=8, ge=1, le=256, description="Requests and commands run at once.")
    deadline_s: Seconds = Field(default=300, description="The whole cluster's collection stops after this.")
    retries: int = Field(default=2, ge=0, le=10, description="Retries of a failed request or command.")


class ClusterConfig(_Section):
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


class Inventory(_Section):
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


# ------------------------------------------------------------------------------------- YAML and lines


def key_path(loc: Loc) -> str:
    """('clusters', 0, 'api', 'port') -> 'clusters[0].api.port'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _walk(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], dups: list[ConfigProblem], stack: set[int]
) -> None:
    """Record the line of every key and list item; note keys given twice in one mapping."""
    if id(node) in stack:  # a recursive alias
        return
    stack = stack | {id(node)}
    if isinstance(node, yaml.MappingNode):
        here: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = key_node.start_mark.line + 1
            if key_node.value == "<<":  # merge key: the merged keys belong to this mapping
                merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for m in merged:
                    sub: dict[Loc, int] = {}
                    _walk(m, loc, sub, [], stack)
                    for k, v in sub.items():
                        lines.setdefault(k, v)
                continue
            child = (*loc, key_node.value)
            if key_node.value in here:
                dups.append(
                    ConfigProblem(
                        key_path(child),
                        f"key given twice (first at line {here[key_node.value]}); YAML keeps only the last",
                        line,
                    )
                )
            here[key_node.value] = line
            lines[child] = line
            _walk(value_node, child, lines, dups, stack)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            _walk(item, (*loc, i), lines, dups, stack)


def _load_yaml(text: str, source: str) -> tuple[Any, dict[Loc, int], list[ConfigProblem]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = f" (column {mark.column + 1})" if mark is not None else ""
        # Only the parser's words, never the snippet of the line (it could hold a secret).
        context = exc.context or ""
        started = exc.context_mark
        if context and started is not None and mark is not None and started.line != mark.line:
            context += f" (started at line {started.line + 1})"
        reason = ": ".join(p for p in (context, exc.problem) if p) or "invalid YAML"
        raise ConfigError(source, [ConfigProblem("", f"YAML syntax error{column}: {reason}", line)]) from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, [ConfigProblem("", f"YAML error: {type(exc).__name__}", None)]) from None
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {}
    dups: list[ConfigProblem] = []
    if node is not None:
        _walk(node, (), lines, dups, set())
    return data, lines, dups


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    """The line of the key, or of the nearest enclosing key when the key itself is missing."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


_MODELS: dict[str, type[_Section]] = {
    "api": ApiConfig,
    "ssh": SshConfig,
    "collect": CollectConfig,
    "nodes": NodeConfig,
    "clusters": ClusterConfig,
}


def _section_at(loc: Loc) -> type[_Section]:
    """The model class of the mapping at `loc` (for listing the keys it knows)."""
    model: type[_Section] = Inventory
    for part in loc:
        if isinstance(part, str) and part in _MODELS and part in model.model_fields:
            model = _MODELS[part]
    return model


def _message(err: dict[str, Any]) -> str:
    kind, loc, msg = err["type"], err["loc"], str(err["msg"])
    if kind == "missing":
        return "required key missing"
    if kind == "extra_forbidden":
        known = sorted(_section_at(loc[:-1]).model_fields)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"unknown key{hint}; known keys here: {', '.join(known)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "should be a mapping of keys (key: value lines)"
    if kind in ("list_type", "tuple_type"):
        return "should be a list (lines starting with -)"
    if kind == "bool_type":
        return "should be true or false"
    if kind == "too_short":
        return "should not be empty"
    if kind == "string_pattern_mismatch":
        return "has characters that are not allowed here" + _pattern_hint(loc)
    if msg.startswith("Input should be"):
        return "should be" + msg.removeprefix("Input should be")
    return msg


def _pattern_hint(loc: Loc) -> str:
    if loc[-1:] == ("name",):
        if "nodes" in loc:
            return " (a node name is a host name: letters, digits and -)"
        return " (letters, digits, . _ and -)"
    if loc[-1:] == ("user",):
        return " (a login name: letters, digits, . _ and -)"
    return ""


def _problems(exc: ValidationError, lines: dict[Loc, int]) -> list[ConfigProblem]:
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    out = []
    for err, loc in zip(errors, locs, strict=True):
        # A list whose every item is invalid is also "too short after validation": noise, not a problem.
        if err["type"] == "too_short" and any(o[: len(loc)] == loc and len(o) > len(loc) for o in locs):
            continue
        out.append(ConfigProblem(key_path(loc), _message(dict(err)), _line_for(loc, lines)))
    return out


def _secret_refs(inv: Inventory) -> Iterator[tuple[Loc, SecretRef]]:
    for i, cluster in enumerate(inv.clusters):
        if cluster.api is None:
            continue
        for key in ("token_secret", "password"):
            ref = getattr(cluster.api, key)
            if isinstance(ref, SecretRef):
                yield ("clusters", i, "api", key), ref


def parse_inventory(text: str, source: str = "<inventory>", base_dir: Path | None = None) -> Inventory:
    """Validate inventory text; every problem is reported at once in one ConfigError.

    `base_dir` is the folder relative paths (ca_file, key_file, file: secrets) are resolved against.
    """
    data, lines, problems = _load_yaml(text, source)
    inventory: Inventory | None = None
    if data is None:
        problems.append(ConfigProblem("", "the file is empty; it needs a clusters: list", 1))
    elif not isinstance(data, dict):
        problems.append(ConfigProblem("", "the top level should be a mapping with a clusters: list", 1))
    else:
        try:
            inventory = Inventory.model_validate(data, context={"base_dir": base_dir})
        except ValidationError as exc:
            problems += _problems(exc, lines)
    if problems or inventory is None:
        problems.sort(key=lambda p: (p.line is None, p.line or 0, p.key_path))
        raise ConfigError(source, problems)
    for loc, ref in _secret_refs(inventory):
        ref.bind(source, key_path(loc), lines.get(loc))
    return inventory


def load_inventory(path: str | Path) -> Inventory:
    """Read and validate an inventory file (relative paths in it are relative to its folder)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(p), [ConfigProblem("", "no such file")]) from None
    except IsADirectoryError:
        raise ConfigError(str(p), [ConfigProblem("", "is a folder, not an inventory file")]) from None
    except OSError as exc:
        raise ConfigError(str(p), [ConfigProblem("", f"cannot read: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(str(p), [ConfigProblem("", "not UTF-8 text", line)]) from None
    return parse_inventory(text, str(p), p.resolve().parent)


def inventory_json_schema() -> dict[str, Any]:
    """The JSON Schema of an inventory (for editors: completion, descriptions, basic checks).

    The rules between keys that JSON Schema can say simply are included; `netdoc inventory check`
    remains the authority.
    """
    schema = Inventory.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    if "ApiConfig" in defs:
        defs["ApiConfig"]["dependentRequired"] = {"token_id": ["token_secret"], "token_secret": ["token_id"]}
        defs["ApiConfig"]["not"] = {"required": ["token_id", "password"]}
    if "ClusterConfig" in defs:
        defs["ClusterConfig"]["anyOf"] = [{"required": ["api"]}, {"required": ["ssh"]}]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
