"""The simulated Proxmox cluster (`netdoc lab`, `netdoc demo`, tests, benchmarks).

definition + scenarios -> world (every file, command output and API reply, derived consistently)
-> servers (HTTPS API, SSH) on loopback, with fault injection.
"""
