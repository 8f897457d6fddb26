"""The audit: findings with severity and evidence, one small pure function per check (audit/checks/).

Imports netdoc.topology and netdoc.model only; never parsers, snapshot, collectors or render.
"""
