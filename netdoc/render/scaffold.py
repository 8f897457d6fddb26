"""What `netdoc init DIR` writes besides mkdocs.yml and the first note: a documentation repository.

A commented inventory, a waiver file, a .gitignore, and the systemd and cron examples of
docs/deployment.md. Plain texts; pipeline.site.init_site writes the ones that are not there yet.
"""

from __future__ import annotations

INVENTORY = """\
# netdoc inventory: which clusters to document and how to reach them (every key: netdoc's
# docs/inventory.md; check it with `netdoc inventory check inventory.yml`).
#
# Secrets never appear in this file: token_secret and password only name where the secret is,
# env:NAME (an environment variable) or file:PATH (a file only netdoc's user can read).

clusters:
  - name: pve                          # names the snapshot folder: snapshots/pve/
    api:
      host: pve1.example.org           # any node answers for the whole cluster
      # A read-only user and token, created once on any node:
      #   pveum user add netdoc@pve
      #   pveum acl modify / --users netdoc@pve --roles PVEAuditor
      #   pveum user token add netdoc@pve netdoc --privsep 0
      user: netdoc@pve
      token_id: netdoc
      token_secret: env:NETDOC_PVE_TOKEN
      # The cluster CA (copy /etc/pve/pve-root-ca.pem from a node): chain and host name checked.
      ca_file: /etc/netdoc/pve-ca.pem
    ssh:
      user: netdoc                     # a plain user on every node, with sudo for two commands
      sudo: true                       # (the sudoers lines: docs/collection.md)
      key_file: ~/.ssh/netdoc_ed25519
      known_hosts: ~/.ssh/known_hosts  # unknown hosts are refused (netdoc collect --accept-new-host-keys)
"""

WAIVERS = """\
# Findings accepted on purpose (docs/checks.md): netdoc run --waivers waivers.yml lists them as
# waived until their date; after it, the waiver is a finding itself.
waivers: []
#  - code: nic-unused
#    subject: pve/pve1/enp7s0f1          # <cluster>/<subject> of the finding; * and ? match
#    reason: spare port, cabled at the next maintenance window
#    expires: 2027-06-30
"""

GITIGNORE = """\
# netdoc's outputs: commit them only with `netdoc run --git` (then remove these lines)
/site/
/reports/
/snapshots/
.netdoc-run.lock
.venv/
"""

SYSTEMD_SERVICE = """\
# /etc/systemd/system/netdoc.service (docs/deployment.md): one nightly run, as the netdoc user.
[Unit]
Description=netdoc: network documentation of the Proxmox clusters
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User=netdoc
WorkingDirectory=/srv/netdoc
EnvironmentFile=/etc/netdoc/secrets.env
ExecStart=/srv/netdoc/.venv/bin/netdoc run -i inventory.yml --waivers waivers.yml --log-format json --fail-on never
SuccessExitStatus=3
Nice=10
"""  # noqa: E501 - a unit file line is one line

SYSTEMD_TIMER = """\
# /etc/systemd/system/netdoc.timer: systemctl enable --now netdoc.timer
[Unit]
Description=netdoc every night

[Timer]
OnCalendar=*-*-* 02:30:00
RandomizedDelaySec=15min
Persistent=true

[Install]
WantedBy=timers.target
"""

CRON = """\
# /etc/cron.d/netdoc: the nightly run by cron instead of systemd (cron mails the summary).
# m  h  dom mon dow  user    command
30   2  *   *   *    netdoc  cd /srv/netdoc && . /etc/netdoc/secrets.env && .venv/bin/netdoc run -i inventory.yml --waivers waivers.yml
"""  # noqa: E501 - a crontab entry is one line

FILES: dict[str, str] = {
    "inventory.yml": INVENTORY,
    "waivers.yml": WAIVERS,
    ".gitignore": GITIGNORE,
    "deploy/netdoc.service": SYSTEMD_SERVICE,
    "deploy/netdoc.timer": SYSTEMD_TIMER,
    "deploy/netdoc.cron": CRON,
}
