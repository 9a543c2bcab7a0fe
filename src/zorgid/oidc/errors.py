"""Errors of the OpenID Connect provider (docs/koppelen.md lists them with their OAuth error)."""

from zorgid.protocol.errors import ZorgidError  # noqa: F401
