"""The importer contract, and the registry the command line builds its commands from.

An importer has a name (its command is ``dckg import-{name}``), the data set (named graph)
it builds, and three steps: :meth:`~Importer.read` its source into a result,
:meth:`~Importer.triples` of that result, and the :meth:`~Importer.report` (Markdown) on
it. A module of this package that calls :func:`register` on its importer is all a new
importer needs: :func:`registered` imports every module of the package, and ``dckg``
makes one ``import-{name}`` command of each importer registered.

:class:`BaseImporter` gives the parts most importers share: one source path, the output
``data/{stem}.nt.gz`` replacing its own graph, no extra option.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from pyoxigraph import NamedNode, Triple

from dckg.errors import UsageError


@dataclass(frozen=True)
class Option:
    """An extra file option of an importer's command, e.g. ``--merge-with``."""

    flag: str
    default: Path
    help: str

    @property
    def key(self) -> str:
        """The option's name as :attr:`Source.options` holds it (``merge_with``)."""
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Source:
    """What an import command was given: the paths to read, the extra options' values,
    whether malformed rows are skipped rather than refused, the output file and the
    report file (files kept beside them, such as a hand check, are found from them)."""

    paths: tuple[Path, ...]
    options: Mapping[str, Path] = field(default_factory=dict)
    skip_malformed: bool = False
    out: Path | None = None
    report: Path | None = None

    @property
    def path(self) -> Path:
        """The one path of an importer that reads one."""
        return self.paths[0]


@dataclass(frozen=True)
class Companion:
    """Another data set an import writes before its own (next to its output file, as
    ``{stem}.nt.gz``). The companions are validated first, then the output with them in
    their graphs; nothing is written before all conform."""

    stem: str
    dataset: NamedNode
    data: bytes
    summary: str


@runtime_checkable
class Importer(Protocol):
    """What every importer gives the command line."""

    #: the command is ``dckg import-{name}``
    name: str
    #: the named graph built (``graph/reference/…``)
    dataset: NamedNode
    #: the output file is ``data/{stem}.nt.gz`` unless ``--out`` says otherwise
    stem: str
    #: the example report file is ``docs/{report_name}-import.md``
    report_name: str
    #: the command's help text (first line: what it imports)
    help: str
    #: several paths (``PATHS...``) rather than one (``PATH``)
    many: bool
    #: the command has ``--skip-malformed``
    skip_malformed: bool
    #: extra file options, after the path and before ``--out``
    options: Sequence[Option]
    #: the summary says how long the import took
    timed: bool

    def locate(self, paths: tuple[Path, ...]) -> tuple[Path, ...]:
        """The paths to read (a file found in a folder, say), as the report quotes them."""
        ...

    def read(self, source: Source) -> Any:
        """Read the source into a result (what :meth:`triples` and :meth:`report` take)."""
        ...

    def triples(self, result: Any) -> Iterable[Triple]:
        """The data set's statements."""
        ...

    def report(self, result: Any, *, command: str, size: int) -> str:
        """The import report (Markdown) of ``command``, whose output is ``size`` bytes."""
        ...

    def summary(self, result: Any) -> list[str]:
        """Lines saying what was imported."""
        ...

    def replaces(self, source: Source) -> list[NamedNode]:
        """The shipped graphs the output replaces while it is validated."""
        ...

    def holds(self, source: Source) -> Mapping[NamedNode, Path]:
        """Graphs to hold other files while the output is validated."""
        ...

    def companions(self, result: Any) -> list[Companion]:
        """Other data sets to write (validated and written first)."""
        ...


class BaseImporter:
    """The defaults of an importer: one path, its own graph replaced, no extra option."""

    name: ClassVar[str]
    dataset: ClassVar[NamedNode]
    stem: ClassVar[str]
    help: ClassVar[str]
    many: ClassVar[bool] = False
    skip_malformed: ClassVar[bool] = False
    options: ClassVar[Sequence[Option]] = ()
    timed: ClassVar[bool] = False

    @property
    def report_name(self) -> str:
        return self.stem

    def locate(self, paths: tuple[Path, ...]) -> tuple[Path, ...]:
        return paths

    def replaces(self, source: Source) -> list[NamedNode]:
        return [self.dataset]

    def holds(self, source: Source) -> Mapping[NamedNode, Path]:
        return {}

    def companions(self, result: Any) -> list[Companion]:
        return []


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Add an importer to the registry (by its name, which must be new); returns it."""
    if not isinstance(importer, Importer):
        raise UsageError(f"not an importer: {importer!r}")
    known = _REGISTRY.get(importer.name)
    if known is not None and known is not importer:
        raise UsageError(f"two importers named {importer.name!r}")
    _REGISTRY[importer.name] = importer
    return importer


def unregister(name: str) -> None:
    """Remove an importer from the registry (nothing happens for an unknown name)."""
    _REGISTRY.pop(name, None)


def registered() -> list[Importer]:
    """Every importer, by name: those of this package's modules and any registered since."""
    import dckg.importers as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


__all__ = [
    "BaseImporter",
    "Companion",
    "Importer",
    "Option",
    "Source",
    "register",
    "registered",
    "unregister",
]
