"""Secret references (`env:NAME`, `file:PATH`): parsed with the inventory, read only at use time.

A SecretRef shows itself as its reference in str(), repr() and dumps; only reveal() returns the
secret, and its errors name the inventory line, never the value.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from netdoc.config.fields import context_base_dir, resolve_path, rule
from netdoc.errors import ConfigError, ConfigProblem

log = logging.getLogger(__name__)

SECRET_MAX_BYTES = 64 * 1024
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REF_PATTERN = r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$"


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
            raise rule(
                "a secret must not be written in the inventory: put it in an environment variable and "
                "write env:NAME, or in a file only netdoc's user can read and write file:/path/to/file"
            )
        scheme, _, target = value.partition(":")
        if scheme == "env":
            if not _ENV_NAME.match(target):
                raise rule(
                    "env: needs a variable name of letters, digits and _ (for example env:NETDOC_TOKEN)"
                )
            return cls("env", target)
        if not target.strip():
            raise rule("file: needs a path (for example file:/etc/netdoc/token)")
        return cls("file", target, resolve_path(target, base_dir))

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
            return cls.parse(value, context_base_dir(info))

        return core_schema.with_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": REF_PATTERN}
