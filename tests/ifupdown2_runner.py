"""Run ifupdown2's own interfaces parser over cases and print what it found, as JSON.

Started as a subprocess by tests/test_ifupdown_oracle.py (so ifupdown2's top-level modules and
logging stay out of the test process): reads {"pkg": DIR, "cases": [{"id", "files", "entry"}]}
on stdin, lays each case's files out under a temporary root, and runs ifupdown2's
networkInterfaces in-process with an "iface_found" callback. Absolute `source` patterns are
redirected into the root and glob results sorted (ifupdown2 itself globs the live filesystem,
unsorted); the working directory is the entry file's folder.
"""

from __future__ import annotations

import glob as std_glob
import json
import logging
import os
import posixpath
import sys
import tempfile
from typing import Any


def main() -> None:
    request = json.load(sys.stdin)
    sys.path.insert(0, request["pkg"])
    logging.disable(logging.CRITICAL)
    from ifupdown import networkinterfaces as ni_module  # type: ignore[import-not-found]
    from ifupdownaddons.modulebase import moduleBase  # type: ignore[import-not-found]
    from nlmanager import ipnetwork  # type: ignore[import-not-found]

    ports = moduleBase()
    # `regex` port expressions match the live interfaces of the machine running the test: the
    # case stands for another node, whose interfaces we do not know.
    ports.get_ifaces_from_proc = lambda: []
    out: dict[str, Any] = {}
    start = os.getcwd()
    for case in request["cases"]:
        with tempfile.TemporaryDirectory() as root:
            for path, text in case["files"].items():
                target = os.path.join(root, path.lstrip("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8", errors="surrogateescape") as fh:
                    fh.write(text)

            class RootedGlob:
                @staticmethod
                def glob(pattern: str) -> list[str]:
                    rooted = os.path.join(root, pattern.lstrip("/")) if pattern.startswith("/") else pattern
                    return sorted(std_glob.glob(rooted))

            ni_module.glob = RootedGlob
            os.chdir(os.path.join(root, posixpath.dirname(case["entry"]).lstrip("/")))
            found: list[Any] = []
            parser = ni_module.networkInterfaces(
                interfacesfile=os.path.join(root, case["entry"].lstrip("/")),
                interfacesfileiobuf=None,
                interfacesfileformat="native",
                template_enable="0",
            )
            parser.subscribe("iface_found", found.append)
            crashed = None
            try:
                parser.load()
            except Exception as exc:  # ifupdown2 raises on some malformed lines; record it
                crashed = f"{type(exc).__name__}: {exc}"
            os.chdir(start)
            objs = []
            for obj in found:
                config = {k: list(v) for k, v in obj.config.items()}
                objs.append(
                    {
                        "name": obj.name,
                        "type": int(obj.type),
                        "family": list(obj.addr_family),
                        "method": obj.addr_method,
                        "config": config,
                        "ports": {
                            key: list(ports.parse_port_list(obj.name, " ".join(config[key])) or [])
                            for key in ("bridge-ports", "bond-slaves", "bond-ports", "ovs-ports", "ovs-bonds")
                            if key in config
                        },
                        "addresses": _addresses(ipnetwork, config),
                    }
                )
            out[case["id"]] = {
                "objects": objs,
                "errors": parser.errors,
                "warnings": parser.warns,
                "crashed": crashed,
            }
    json.dump(out, sys.stdout)


def _addresses(ipnetwork: Any, config: dict[str, list[str]]) -> list[str] | None:
    """The addresses as ifupdown2's address addon reads them (None when it would reject them all)."""
    result = []
    netmasks = config.get("netmask", [])
    for index, addr in enumerate(config.get("address", [])):
        try:
            if "/" in addr:
                net = ipnetwork.IPNetwork(addr)
            elif index < len(netmasks) and netmasks[index]:
                net = ipnetwork.IPNetwork(addr, netmasks[index])
            else:
                net = ipnetwork.IPNetwork(addr)
        except Exception:
            return None
        result.append(str(net))
    return result


if __name__ == "__main__":
    main()
