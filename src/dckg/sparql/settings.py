"""The settings of queries and of the server, :class:`dckg.config.Settings` (kept importable
here: every ``DCKG_*`` setting is defined in :mod:`dckg.config`)."""

from __future__ import annotations

from dckg.config import Settings

__all__ = ["Settings"]
