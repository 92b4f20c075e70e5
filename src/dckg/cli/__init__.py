"""The ``dckg`` command line: a thin layer over the core.

Exit codes: 0 success (or the input conforms), 1 the input does not conform or a query
failed, 2 bad usage or unreadable input, 3 the result is incomplete (a remote store cut
it, or a row cap did under ``--strict``).
"""

from __future__ import annotations

import sys

import click

from dckg import __version__
from dckg.cli.options import setting_option
from dckg.config import Locations
from dckg.errors import (
    DckgError,
    IncompleteResult,
    InputError,
    NotFound,
    QueryError,
    StoreError,
    UsageError,
    ValidationFailed,
)

#: Exit code of each error class (the first match in order wins).
EXIT_CODES: list[tuple[type[DckgError], int]] = [
    (ValidationFailed, 1),
    (IncompleteResult, 3),
    (QueryError, 1),
    (InputError, 2),
    (UsageError, 2),
    (NotFound, 2),
    (StoreError, 2),
    (DckgError, 2),
]


def exit_code(error: DckgError) -> int:
    """The documented exit code of an error.

    >>> exit_code(QueryError("x")), exit_code(InputError("y"))
    (1, 2)
    """
    for cls, code in EXIT_CODES:
        if isinstance(error, cls):
            return code
    return 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dckg")
@setting_option(Locations, "store", param="store_spec")
@click.pass_context
def cli(ctx: click.Context, store_spec: str | None) -> None:
    """dckg — a knowledge graph of decentralised cooperation."""
    from dckg.cli.context import Session

    ctx.obj = Session(store_spec)
    ctx.call_on_close(ctx.obj.close)


def main(argv: list[str] | None = None) -> None:
    """The console entry point: runs a command and maps errors to exit codes."""
    try:
        cli.main(args=argv, prog_name="dckg", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if error.exit_code == 2 else error.exit_code)
    except DckgError as error:
        click.echo(f"dckg: error: {error}", err=True)
        sys.exit(exit_code(error))
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)


def _register() -> None:
    """Add the commands of every module of this package that lists ``COMMANDS``."""
    import importlib
    import pkgutil

    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_register()
