"""``zorgid oidc``: the OpenID Connect provider's keys and back-channel logouts (docs/koppelen.md)."""

from __future__ import annotations

import typer

from zorgid.terminal import DutchGroup

oidc_app = typer.Typer(cls=DutchGroup, help="De OpenID Connect-provider: sleutels en uitlogberichten.",
                       no_args_is_help=True)
