"""The few shell command forms a lab node answers over SSH, computed from its files and outputs.

    <exact command line>        LabNode.commands[line] on stdout, exit 0
    cat [--] PATH...            the files, concatenated (GNU cat's messages for missing files/dirs)
    tail -n +1 [--] GLOB...     GNU tail: "==> path <==" headers when more than one file, a blank
                                line between files; globs expanded like bash (per path component,
                                no leading dots, sorted in the C locale; no match = literal word)
    sudo [-n] CMD...            runs CMD, or "sudo: a password is required" (exit 1) when denied
    sudo -n -l CMD...           sudo(8)'s "may I run it": the command's full path on stdout (exit 0),
                                "sudo: CMD: command not found" or the denial (exit 1); never runs it
    anything else               "bash: CMD: command not found", exit 127

And `bash -s` with a script on stdin of exactly netdoc's batch form (collectors/batch.py), each
command of which is one of the forms above:

    printf '%s\n' 'WORDS'; printf '%s\n' 'WORDS' >&2                    # WORDS on stdout and stderr
    COMMAND </dev/null                                                   # run as above
    printf '\n%s %s\n' 'WORDS' "$?"; printf '\n%s\n' 'WORDS' >&2      # the status of COMMAND

answered as bash runs it (`parse_batch`, `run_batch`); comment and empty lines are skipped.

Messages use the C locale's plain quotes. Pipes, redirections and substitutions are not simulated
(exit 2 with a message saying so). Pure: no I/O, so it is tested without any server.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from netdoc.lab.world import LabNode

HOME = "/root"
_META = set("|&;<>()`$")
_GLOB = set("*?[")
_SUDO_FLAGS = {"-n", "-E", "-H", "-l"}
# where the commands netdoc asks sudo about live on a Proxmox VE node (sudo -l prints the full path)
_SBIN = frozenset({"iptables-save", "ip6tables-save", "iptables", "ip6tables"})


@dataclass(frozen=True)
class ExecResult:
    stdout: bytes
    stderr: bytes
    status: int


@dataclass(frozen=True)
class Word:
    text: str  # after quote removal
    pattern: str  # for globbing: quoted glob characters escaped as [*]
    glob: bool  # has an unquoted glob character
    start: int  # offset of the word in the command line


class Unsupported(Exception):
    """The command line uses shell syntax the lab does not simulate."""


def split_words(line: str) -> list[Word]:
    """Split a command line like bash does for simple commands (quotes, backslashes, globs)."""
    words: list[Word] = []
    text: list[str] = []
    pattern: list[str] = []
    glob = False
    start = -1
    i = 0

    def quoted(c: str) -> None:
        text.append(c)
        pattern.append(f"[{c}]" if c in _GLOB | {"]"} else c)

    while i < len(line):
        c = line[i]
        if c in " \t\n":
            if start >= 0:
                words.append(Word("".join(text), "".join(pattern), glob, start))
                text, pattern, glob, start = [], [], False, -1
            i += 1
            continue
        if start < 0:
            if c == "#":
                break
            start = i
        if c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise Unsupported("unexpected end of line inside '...'")
            for q in line[i + 1 : end]:
                quoted(q)
            i = end + 1
        elif c == '"':
            i += 1
            while i < len(line) and line[i] != '"':
                if line[i] in "$`":
                    raise Unsupported("expansions inside double quotes")
                if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in '"\\$`':
                    i += 1
                quoted(line[i])
                i += 1
            if i >= len(line):
                raise Unsupported('unexpected end of line inside "..."')
            i += 1
        elif c == "\\":
            if i + 1 < len(line):
                quoted(line[i + 1])
            i += 2
        elif c in _META:
            raise Unsupported(f"{c!r} (pipes, redirections, lists and substitutions)")
        else:
            text.append(c)
            pattern.append(c)
            glob = glob or c in _GLOB
            i += 1
    if start >= 0:
        words.append(Word("".join(text), "".join(pattern), glob, start))
    return words


class NodeFS:
    """A node's files as a read-only tree: files, the folders above them, bash-like globbing."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = {posixpath.normpath(p): c for p, c in files.items()}
        self.dirs = {"/"}
        for path in self.files:
            parent = posixpath.dirname(path)
            while parent not in self.dirs:
                self.dirs.add(parent)
                parent = posixpath.dirname(parent)

    @staticmethod
    def absolute(path: str) -> str:
        return posixpath.normpath(path if path.startswith("/") else f"{HOME}/{path}")

    def glob(self, word: Word) -> list[str]:
        """The sorted matches of a glob word (shown relative when written relative), or [word]."""
        if not word.glob:
            return [word.text]
        relative = not word.pattern.startswith("/")
        parts = self.absolute(word.pattern).split("/")
        matches = []
        for candidate in sorted(self.files.keys() | self.dirs):
            names = candidate.split("/")
            if len(names) != len(parts) or candidate == "/":
                continue
            if all(_component(n, p) for n, p in zip(names, parts, strict=True)):
                matches.append(candidate[len(HOME) + 1 :] if relative else candidate)
        return sorted(matches) or [word.text]


def _component(name: str, pattern: str) -> bool:
    if name.startswith(".") and not pattern.startswith("."):
        return False  # bash without dotglob
    return fnmatchcase(name, pattern)


def _cat(fs: NodeFS, args: list[str]) -> ExecResult:
    out, err, status = [], [], 0
    names: list[str] = []
    options = True
    for a in args:
        if options and a == "--":
            options = False
        elif options and a.startswith("-") and a != "-":
            return ExecResult(b"", f"cat: option '{a}' is not simulated by netdoc lab\n".encode(), 2)
        else:
            names.append(a)
    for name in names:
        if name == "-":
            continue  # stdin: the lab's sessions have none
        path = fs.absolute(name)
        if path in fs.files:
            out.append(fs.files[path])
        elif path in fs.dirs:
            err.append(f"cat: {name}: Is a directory\n")
            status = 1
        else:
            err.append(f"cat: {name}: No such file or directory\n")
            status = 1
    return ExecResult(b"".join(out), "".join(err).encode(), status)


def _tail_lines(content: bytes, count: str) -> bytes:
    lines = content.split(b"\n")
    ends_with_newline = content.endswith(b"\n")
    if ends_with_newline:
        lines.pop()
    chunks = [line + b"\n" for line in lines]
    if chunks and not ends_with_newline:
        chunks[-1] = chunks[-1][:-1]
    if count.startswith("+"):
        first = max(int(count[1:]), 1)
        return b"".join(chunks[first - 1 :])
    n = int(count)
    return b"".join(chunks[-n:]) if n > 0 else b""


def _tail(fs: NodeFS, words: list[Word]) -> ExecResult:
    count, quiet, verbose = "10", False, False
    files: list[str] = []
    options = True
    i = 0
    while i < len(words):
        w = words[i]
        a = w.text
        if options and a == "--":
            options = False
        elif options and a in ("-n", "--lines") and i + 1 < len(words):
            count = words[i + 1].text
            i += 1
        elif options and a.startswith("--lines="):
            count = a.split("=", 1)[1]
        elif options and a.startswith("-n") and len(a) > 2:
            count = a[2:]
        elif options and a in ("-q", "--quiet", "--silent"):
            quiet = True
        elif options and a in ("-v", "--verbose"):
            verbose = True
        elif options and a.startswith("-") and a != "-":
            return ExecResult(b"", f"tail: option '{a}' is not simulated by netdoc lab\n".encode(), 2)
        else:
            files += fs.glob(w)
        i += 1
    if not (count.lstrip("+").isdigit()):
        return ExecResult(b"", f"tail: invalid number of lines: '{count}'\n".encode(), 1)
    headers = verbose or (len(files) > 1 and not quiet)
    out: list[bytes] = []
    err: list[str] = []
    status = 0
    first = True

    def header(name: str) -> None:
        nonlocal first
        if headers:
            out.append(f"{'' if first else chr(10)}==> {name} <==\n".encode())
            first = False

    for name in files:
        path = fs.absolute(name)
        if path in fs.files:
            header(name)
            out.append(_tail_lines(fs.files[path], count))
        elif path in fs.dirs:
            header(name)
            err.append(f"tail: error reading '{name}': Is a directory\n")
            status = 1
        else:
            err.append(f"tail: cannot open '{name}' for reading: No such file or directory\n")
            status = 1
    return ExecResult(b"".join(out), "".join(err).encode(), status)


def _not_found(program: str, under_sudo: bool, line_no: int | None = None) -> ExecResult:
    if under_sudo:
        return ExecResult(b"", f"sudo: {program}: command not found\n".encode(), 1)
    where = f"line {line_no}: " if line_no is not None else ""  # bash running a script names its line
    return ExecResult(b"", f"bash: {where}{program}: command not found\n".encode(), 127)


def _program_known(node: LabNode, program: str) -> bool:
    return any(line.split(None, 1)[0] == program for line in node.commands if line.strip())


def _simple(
    node: LabNode,
    fs: NodeFS,
    line: str,
    words: list[Word],
    *,
    missing: frozenset[str],
    sudo: bool,
    line_no: int | None = None,
) -> ExecResult:
    program = words[0].text
    if program in missing:
        return _not_found(program, sudo, line_no)
    recorded = node.commands.get(line)
    if recorded is not None:
        return ExecResult(recorded, b"", 0)
    if program == "cat":
        return _cat(fs, [a for w in words[1:] for a in fs.glob(w)])
    if program == "tail":
        return _tail(fs, words[1:])
    if _program_known(node, program):
        return ExecResult(b"", f"netdoc lab: no recorded output of {line!r} on {node.name}\n".encode(), 1)
    return _not_found(program, sudo, line_no)


def run_command(
    node: LabNode,
    line: str,
    *,
    sudo_allowed: bool = True,
    missing: frozenset[str] = frozenset(),
    line_no: int | None = None,
) -> ExecResult:
    """What `line` prints and returns on `node` (as bash -c would run it there; `line_no`: as line
    `line_no` of a script bash reads from stdin, which only changes bash's own messages)."""
    line = line.strip()
    if line in node.commands and line.split(None, 1)[0] not in missing:
        return ExecResult(node.commands[line], b"", 0)
    fs = NodeFS(node.files)
    try:
        words = split_words(line)
    except Unsupported as exc:
        return ExecResult(b"", f"netdoc lab: unsupported shell syntax: {exc}\n".encode(), 2)
    if not words:
        return ExecResult(b"", b"", 0)
    if words[0].text != "sudo":
        return _simple(node, fs, line, words, missing=missing, sudo=False, line_no=line_no)
    k = 1
    non_interactive = listing = False
    while k < len(words) and words[k].text.startswith("-"):
        flag = words[k].text
        k += 1
        if flag == "--":
            break
        if flag not in _SUDO_FLAGS:
            return ExecResult(b"", f"sudo: option '{flag}' is not simulated by netdoc lab\n".encode(), 1)
        non_interactive = non_interactive or flag == "-n"
        listing = listing or flag == "-l"
    if k >= len(words):
        return ExecResult(b"", b"usage: sudo -h | -K | -k | -V\n", 1)
    if not sudo_allowed:
        msg = "sudo: a password is required\n"
        if not non_interactive:
            msg = (
                "sudo: a terminal is required to read the password; either use the -S option to read "
                "from standard input or configure an askpass helper\n" + msg
            )
        return ExecResult(b"", msg.encode(), 1)
    rest = line[words[k].start :].strip()
    if listing:
        program = words[k].text
        if program in missing or not (_program_known(node, program) or program in ("cat", "tail")):
            return _not_found(program, True)
        folder = "/usr/sbin" if program in _SBIN else "/usr/bin"
        return ExecResult(f"{folder}/{rest}\n".encode(), b"", 0)
    return _simple(node, fs, rest, words[k:], missing=missing, sudo=True)


# ------------------------------------------------------------------------------------------ batch

BATCH_COMMAND = "bash -s"
_WORDS = r"'([^']*)'"
_BEGIN = re.compile(rf"printf '%s\\n' {_WORDS}; printf '%s\\n' {_WORDS} >&2")
_END = re.compile(rf"""printf '\\n%s %s\\n' {_WORDS} "\$\?"; printf '\\n%s\\n' {_WORDS} >&2""")
_NO_STDIN = " </dev/null"


@dataclass(frozen=True)
class BatchStep:
    """One framed command: what it prints before and after itself, and the command line."""

    begin: str
    command: str
    end: str
    line_no: int  # the command's line in the script (bash names it in its own messages)


@dataclass(frozen=True)
class BatchResult:
    """What `bash -s` printed for a batch; `starts[i]`: where step i's own output begins on stdout."""

    result: ExecResult
    starts: tuple[int, ...]
    statuses: tuple[int, ...]


def parse_batch(script: str) -> tuple[BatchStep, ...] | None:
    """The steps of a script in exactly the batch form, or None for any other script."""
    lines = [
        (n, ln)
        for n, ln in enumerate(script.split("\n"), start=1)
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if len(lines) % 3:
        return None
    steps = []
    for i in range(0, len(lines), 3):
        (_, first), (line_no, command), (_, last) = lines[i : i + 3]
        begin, end = _BEGIN.fullmatch(first), _END.fullmatch(last)
        if begin is None or end is None or not command.endswith(_NO_STDIN):
            return None
        if begin.group(1) != begin.group(2) or end.group(1) != end.group(2):
            return None
        steps.append(
            BatchStep(begin.group(1), command.removesuffix(_NO_STDIN).strip(), end.group(1), line_no)
        )
    return tuple(steps)


def run_batch(
    node: LabNode,
    steps: tuple[BatchStep, ...],
    *,
    sudo_allowed: bool = True,
    missing: frozenset[str] = frozenset(),
    replaced: Mapping[int, bytes] | None = None,
) -> BatchResult:
    """What bash prints running the steps; `replaced[i]`: step i's stdout (exit 0) instead of its own."""
    out: list[bytes] = []
    err: list[bytes] = []
    starts: list[int] = []
    statuses: list[int] = []
    size = 0
    for i, step in enumerate(steps):
        result = run_command(
            node, step.command, sudo_allowed=sudo_allowed, missing=missing, line_no=step.line_no
        )
        if replaced is not None and i in replaced:
            result = ExecResult(replaced[i], b"", 0)
        head = f"{step.begin}\n".encode()
        starts.append(size + len(head))
        tail = f"\n{step.end} {result.status}\n".encode()
        out += [head, result.stdout, tail]
        size += len(head) + len(result.stdout) + len(tail)
        err += [head, result.stderr, f"\n{step.end}\n".encode()]
        statuses.append(result.status)
    return BatchResult(ExecResult(b"".join(out), b"".join(err), 0), tuple(starts), tuple(statuses))
