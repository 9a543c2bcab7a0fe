"""Errors of the register of healthcare applications (docs/architecture.md: errors are classes with codes)."""

from zorgid.protocol.errors import ZorgidError  # noqa: F401
