"""``zorgid apps``: the register of accepted healthcare applications (docs/koppelen.md)."""

from __future__ import annotations

import typer

from zorgid.terminal import DutchGroup

apps_app = typer.Typer(cls=DutchGroup, help="Het register van geaccepteerde zorgapplicaties.", no_args_is_help=True)
