"""Bundled lab scenarios (YAML definitions), read by netdoc.lab.load.scenario()."""
