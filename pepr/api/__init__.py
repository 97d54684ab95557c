"""The read-only JSON API for ANR's systems."""
