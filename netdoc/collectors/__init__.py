"""Collectors: ALL of netdoc's network I/O, read-only, towards live Proxmox VE clusters.

    plan.py          the allow-list: every API path, file and command netdoc may ask for, and why
    proxmox_api.py   the API over HTTPS (proxmoxer's session and auth; TLS verified or pinned)
    ssh.py           SSH (paramiko, one connection per node, host keys verified)
    known_hosts.py   host key policy: known_hosts files, netdoc's own file, --accept-new-host-keys
    outcome.py       failures as data (status + message + transient?), retries, deadlines
    redact.py        secret-looking values removed from what is read, before it is stored
    recorder.py      every planned artifact gets exactly one outcome in the snapshot's manifest
    collect.py       the runner: nodes, a bounded pool, the deadline, one snapshot per cluster

May import netdoc.errors, netdoc.config, netdoc.snapshot and pure netdoc.parsers helpers.
"""
