"""Fixtures of the importer tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dckg.importers import twinnings as wikidata
from dckg.importers.twinnings import reference_reconciler
from dckg.reconcile import Reconciler

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="session")
def geonames_index() -> Reconciler:
    """An index of the shipped GeoNames cities plus the smaller GeoNames lists (read-only)."""
    return reference_reconciler()


@pytest.fixture(scope="module")
def wikidata_file(geonames_index: Reconciler, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Wikidata twinnings of the Wikidata slice, as the shipped file would hold them."""
    result = wikidata.import_twinnings(
        [DATA / "twinnings"], reconciler=geonames_index, skip_malformed=True
    )
    path = tmp_path_factory.mktemp("wikidata") / "twinnings.nt.gz"
    wikidata.write_gzip(wikidata.ntriples(result), path)
    return path
