"""Tests of the lab generator (definition -> world)."""
