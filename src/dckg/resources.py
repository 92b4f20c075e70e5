"""Where the shipped ontology, shapes, queries and reference data are.

An installed wheel carries them inside the package (``dckg/_resources``); a source
checkout or an editable install reads them from the project's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def resource_dir(name: str) -> Path:
    """The folder of one kind of shipped resource: ontology, shapes, queries or data.

    >>> resource_dir("ontology").name
    'ontology'
    """
    if name not in {"ontology", "shapes", "queries", "data", "templates"}:
        raise ValueError(f"unknown resource folder {name!r}")
    for base in (_PACKAGE / "_resources", _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name!r} folder is not shipped with this installation")
