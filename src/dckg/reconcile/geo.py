"""Distances on the sphere, and searches of places near a position.

Points are handled as 3-D unit vectors, so that the straight-line (chord) distance
between two points grows with their great-circle distance and a search needs no
special case at the ±180° meridian or near the poles: the persisted GeoNames index keeps
them in an SQLite R*Tree (:mod:`dckg.reconcile.gazetteer`), the places of a store in a
:class:`PointSet`.

>>> round(distance_km(48.8566, 2.3522, 51.5074, -0.1278))
344
>>> tree = PointSet([(-16.5, 179.9), (-16.5, -179.9), (48.85, 2.35)])
>>> [(i, round(d, 1)) for d, i in tree.near(-16.5, 179.95, 20)]
[(0, 5.3), (1, 16.0)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Mean radius of the Earth (km), as the haversine formula uses it.
EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in km on a sphere of radius 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """(n, 3) unit vectors of positions in degrees."""
    import numpy as np

    lat, lon = np.radians(lats), np.radians(lons)
    cos = np.cos(lat)
    return np.column_stack((cos * np.cos(lon), cos * np.sin(lon), np.sin(lat)))


def chord(km: float) -> float:
    """The straight-line distance on the unit sphere of a great-circle distance."""
    return 2.0 * math.sin(min(km / EARTH_KM, math.pi) / 2.0)


class PointSet:
    """Positions (lat, lon) searched by their unit vectors (vectorised, for a few
    thousand points; the large GeoNames index has its own R*Tree)."""

    def __init__(self, points: Sequence[tuple[float, float]] | np.ndarray) -> None:
        import numpy as np

        array = np.asarray(points, dtype=float).reshape(-1, 2)
        self.size = len(array)
        self._vectors = unit_vectors(array[:, 0], array[:, 1])

    def near(self, lat: float, lon: float, km: float) -> list[tuple[float, int]]:
        """(distance km, index) of the points within ``km`` of a position, nearest first."""
        if not self.size:
            return []
        import numpy as np

        centre = unit_vectors(np.array([lat]), np.array([lon]))[0]
        gap = np.linalg.norm(self._vectors - centre, axis=1)
        found = np.flatnonzero(gap <= chord(km) * (1 + 1e-9))
        distances = chord_km(gap[found])
        order = np.lexsort((found, distances))
        return [(float(distances[i]), int(found[i])) for i in order if distances[i] <= km + 1e-9]


def chord_km(gap: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) of chord lengths on the unit sphere."""
    import numpy as np

    return 2.0 * EARTH_KM * np.arcsin(np.clip(gap / 2.0, 0.0, 1.0))


__all__ = ["EARTH_KM", "PointSet", "chord", "chord_km", "distance_km", "unit_vectors"]
