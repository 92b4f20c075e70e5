"""What every ``dckg import-*`` command shares: its options and its last steps.

An import command reads its source, builds its named graph as sorted N-Triples and hands
the bytes to :func:`finish`, which runs them through the contribution pipeline (shapes,
references, duplicates, against the ontology and every other shipped data set), writes
them only if they conform, writes the import report (Markdown) when ``--report`` asks for
it, and says what it did on stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from dckg.errors import InputError

if TYPE_CHECKING:
    from pyoxigraph import NamedNode

F = TypeVar("F", bound=Callable[..., None])


def import_options(
    stem: str, *, report: str | None = None, skip_malformed: bool = False
) -> Callable[[F], F]:
    """``--out data/{stem}.nt.gz``, ``--report`` (shown with ``docs/{report}-import.md``,
    ``report`` defaulting to ``stem``), ``--validate/--no-validate`` and, for importers
    that can pass over bad rows, ``--skip-malformed``."""
    example = f"docs/{report or stem}-import.md"

    def decorate(function: F) -> F:
        if skip_malformed:
            function = click.option(
                "--skip-malformed",
                is_flag=True,
                help="Skip malformed rows (listed in the report) instead of stopping at them.",
            )(function)
        function = click.option(
            "--validate/--no-validate",
            default=True,
            show_default=True,
            help="Validate the output against the shapes and the reference data before writing it.",
        )(function)
        function = click.option(
            "--report",
            "report_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help=f"Also write the import report (Markdown) here, e.g. {example}.",
        )(function)
        return click.option(
            "--out",
            type=click.Path(path_type=Path, dir_okay=False),
            default=Path(f"data/{stem}.nt.gz"),
            show_default=True,
            help="The N-Triples file to write (.gz compresses).",
        )(function)

    return decorate


def finish(
    name: str,
    data: bytes,
    out: Path,
    *,
    validate: bool,
    report_path: Path | None,
    report: Callable[[str], str],
    inputs: Iterable[Path],
    summary: Iterable[str],
    drop: Iterable[NamedNode],
    load: Mapping[NamedNode, Path] | None = None,
    options: Iterable[str | Path] = (),
    skip_malformed: bool = False,
) -> None:
    """Validate ``data`` (unless told not to), write it to ``out`` and the report to
    ``report_path``, then print ``summary`` and what was written.

    ``name`` is the command (``import-twinnings``), used in the command line the report
    quotes; ``drop`` are the shipped graphs the output replaces and ``load`` graphs to
    hold other files while validating. ``report`` makes the report from that command line.
    """
    if validate:
        validate_output(data, out.name, drop=drop, load=load)
    write_output(out, data)
    if report_path is not None:
        words = [*(shown(p) for p in inputs)]
        words += [shown(o) if isinstance(o, Path) else o for o in options]
        words += ["--out", shown(out), "--report", shown(report_path)]
        if skip_malformed:
            words.append("--skip-malformed")
        write(report_path, report(f"dckg {name} " + " ".join(words)).encode("utf-8"))
    for line in summary:
        click.echo(line, err=True)
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes)", err=True)


def validate_output(
    data: bytes,
    name: str,
    *,
    drop: Iterable[NamedNode],
    load: Mapping[NamedNode, Path] | None = None,
) -> None:
    """Run the output through the contribution pipeline: shapes, references, duplicates.

    The reference store holds the ontology and every shipped data set but the graphs in
    ``drop``, which the output replaces, and with the files of ``load`` in their graphs;
    the GeoNames places the output and those files refer to are described in
    ``reference/places``, as ``dckg init`` will describe them once the output is shipped.
    Violations stop the import; nothing is written.
    """
    from itertools import chain

    from pyoxigraph import RdfFormat, parse

    from dckg.bootstrap import initialise
    from dckg.errors import ValidationFailed
    from dckg.reference import describe_places
    from dckg.store import EmbeddedStore
    from dckg.validation import validate
    from dckg.validation.sources import bytes_input

    with EmbeddedStore() as store:
        initialise(store)
        for graph_iri in drop:
            store.drop_graph(graph_iri)
        for graph_iri, path in (load or {}).items():
            store.drop_graph(graph_iri)
            store.load(path, graph=graph_iri)
        loaded = (store.quads(None, None, None, g) for g in (load or {}))
        try:
            output = parse(data, format=RdfFormat.N_TRIPLES)
            describe_places(store, chain(output, *loaded))
        except SyntaxError as error:
            raise InputError(f"not N-Triples: {error}", source=Path(name)) from None
        report = validate(store, [bytes_input(data, fmt="nt", name=name, max_bytes=len(data))])
    click.echo(f"validation: {report.summary()}", err=True)
    if not report.conforms:
        click.echo(report.to_text(), err=True)
        raise ValidationFailed("the imported data does not conform: nothing written", report)


def write_output(out: Path, data: bytes) -> None:
    """Write N-Triples bytes, gzip-compressed (reproducibly) when ``out`` ends in .gz."""
    if out.suffix == ".gz":
        from dckg.importers.twinnings import write_gzip

        write_gzip(data, out)
    else:
        write(out, data)


def shown(path: Path) -> str:
    """The path as a report quotes it: relative to the working folder where it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return path.name if path.is_file() else str(path)


def write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (through a .partial file renamed into place)."""
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write: {error.strerror}", source=path) from None
