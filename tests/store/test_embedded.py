"""What only the embedded store does: persist on disk, refuse what is not a store.

The behaviour every backend shares is tested in ``test_contract.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat

from dckg.errors import StoreError, UsageError
from dckg.store import open_store

EX = "https://example.org/"
G1 = NamedNode(EX + "g1")
G2 = NamedNode(EX + "g2")
TTL = b"""@prefix ex: <https://example.org/> .
ex:lyon ex:twin ex:birmingham ; ex:name "Lyon" .
"""


def test_on_disk_store_persists(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with open_store(str(path)) as first:
        first.load(TTL, rdf_format=RdfFormat.TURTLE, graph=G1)
    with open_store(str(path)) as again:
        assert again.count() == 2


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(StoreError, match="not a store"):
        open_store(str(path))


def test_a_foreign_directory_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(StoreError, match="not a store"):
        open_store(str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["photo.jpg"]


def test_unknown_store_scheme() -> None:
    with pytest.raises(UsageError, match="unsupported store"):
        open_store("ftp://example.org/store")
