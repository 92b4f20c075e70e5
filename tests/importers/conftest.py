"""Fixtures of the importer tests."""

from __future__ import annotations

import pytest

from dckg.importers.twinnings import reference_reconciler
from dckg.reconcile import Reconciler


@pytest.fixture(scope="session")
def geonames_index() -> Reconciler:
    """An index of the shipped GeoNames cities plus the smaller GeoNames lists (read-only)."""
    return reference_reconciler()
