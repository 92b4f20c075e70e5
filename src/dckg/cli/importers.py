"""``dckg import-{name}``: one command for each registered importer.

The commands are made by :func:`command` from the importers' contract
(:class:`dckg.importers.contract.Importer`): an argument for the path(s), the importer's
own options, then ``--out``, ``--report``, ``--validate/--no-validate`` and, where the
importer allows it, ``--skip-malformed``. Each reads its source, builds its named graph as
sorted N-Triples and hands it to :func:`~dckg.cli.import_common.finish`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import click

from dckg.cli.import_common import finish, import_options, validate_output, write_output
from dckg.importers.contract import Importer, Source, registered


def command(importer: Importer) -> click.Command:
    """The ``import-{name}`` command of an importer."""

    def run(**values: Any) -> None:
        _run(importer, values)

    run.__doc__ = importer.help
    function = import_options(
        importer.stem, report=importer.report_name, skip_malformed=importer.skip_malformed
    )(run)
    for option in reversed(importer.options):
        function = click.option(
            option.flag,
            type=click.Path(path_type=Path, dir_okay=False),
            default=option.default,
            show_default=True,
            help=option.help,
        )(function)
    if importer.many:
        argument = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    else:
        argument = click.argument("path", type=click.Path(path_type=Path))
    return click.command(f"import-{importer.name}")(argument(function))


def _run(importer: Importer, values: dict[str, Any]) -> None:
    from dckg.importers.tables import ntriples

    given = values["paths"] if importer.many else (values["path"],)
    started = time.perf_counter()
    out: Path = values["out"]
    source = Source(
        importer.locate(tuple(given)),
        {o.key: values[o.key] for o in importer.options},
        skip_malformed=values.get("skip_malformed", False),
        out=out,
        report=values["report_path"],
    )
    result = importer.read(source)
    data = ntriples(importer.triples(result))
    companions = importer.companions(result)
    held = dict(importer.holds(source))
    with tempfile.TemporaryDirectory() as folder:
        if values["validate"] and companions:
            # the companions first (in one pass), then the output with them in their graphs
            joined = b"".join(c.data for c in companions)
            validate_output(
                joined, ", ".join(c.stem for c in companions), drop=[c.dataset for c in companions]
            )
            for companion in companions:
                held[companion.dataset] = Path(folder) / f"{companion.stem}.nt"
                held[companion.dataset].write_bytes(companion.data)
        if values["validate"]:
            validate_output(data, out.name, drop=importer.replaces(source), load=held)
    for companion in companions:
        written = out.with_name(f"{companion.stem}.nt.gz")
        write_output(written, companion.data)
        click.echo(f"{companion.summary}: wrote {written}", err=True)
    finish(
        f"import-{importer.name}",
        data,
        out,
        validate=False,
        report_path=source.report,
        report=lambda command: importer.report(result, command=command, size=len(data)),
        inputs=source.paths,
        options=[word for o in importer.options for word in (o.flag, source.options[o.key])],
        summary=[*importer.summary(result), *_took(importer, started)],
        drop=[],
        skip_malformed=source.skip_malformed,
    )


def _took(importer: Importer, started: float) -> list[str]:
    if not importer.timed:
        return []
    return [f"imported in {time.perf_counter() - started:.1f} s (index build included)"]


def commands() -> list[click.Command]:
    """The commands of every registered importer."""
    return [command(importer) for importer in registered()]


COMMANDS = commands()
