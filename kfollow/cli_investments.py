"""Commands `investments` and `summary` (registered on `kfollow.cli.app` at the end of cli.py)."""

from __future__ import annotations
