"""Command-line options made from the settings' metadata (:mod:`dckg.config`).

An option built here has the setting's type, metavar and help, and shows its default and
variable (``[default: 30; $DCKG_QUERY_TIMEOUT]``); its default is ``None``, so that the
variable, read by the settings, applies when the option is not given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import Field, fields
from typing import Any, TypeVar

import click

from dckg.config import PARSED_TYPES, Group, option_name, variable

F = TypeVar("F", bound=Callable[..., Any])


def setting_option(
    group: type[Group],
    name: str,
    *,
    flag: str | None = None,
    param: str | None = None,
    help: str | None = None,
    shown: str | None = None,
) -> Callable[[F], F]:
    """The option of one setting; ``flag``, ``help`` and ``shown`` replace the metadata's
    option name, help text and shown default (``dckg sparql --timeout``)."""
    item = next(f for f in fields(group) if f.name == name)
    return _option(item, flag=flag, param=param, help=help, shown=shown)


def settings_options(
    group: type[Group], *, shown: dict[str, str] | None = None
) -> Callable[[F], F]:
    """The options of every setting of ``group`` that has one, in the group's order."""
    chosen = [item for item in fields(group) if option_name(item) is not None]

    def decorate(command: F) -> F:
        for item in reversed(chosen):
            command = _option(item, shown=(shown or {}).get(item.name))(command)
        return command

    return decorate


def _option(
    item: Field[Any],
    *,
    flag: str | None = None,
    param: str | None = None,
    help: str | None = None,
    shown: str | None = None,
) -> Callable[[F], F]:
    kind = PARSED_TYPES[item.metadata["parse"]]
    text = help or _sentence(item.metadata["help"])
    default = shown or item.metadata["shown"]
    declared = [flag or option_name(item) or "--" + item.name.replace("_", "-")]
    if param is not None:
        declared.append(param)
    return click.option(
        *declared,
        type=kind,
        default=None,
        metavar=item.metadata["metavar"],
        help=f"{text}  [default: {default}; ${variable(item)}]",
    )


def _sentence(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] + "."
