"""The list of every error code, for the public page /foutmeldingen (R-ERR), taken from the code."""

from __future__ import annotations

import importlib

from zorgid.protocol.errors import ZorgidError, registered_errors

ERROR_MODULES = (
    "zorgid.protocol.errors",
    "zorgid.protocol.device_names",
    "zorgid.errors",
    "zorgid.control_characters",
    "zorgid.ratelimit.errors",
    "zorgid.pki.errors",
    "zorgid.pki.uzi.errors",
    "zorgid.identities.errors",
    "zorgid.organisations.errors",
    "zorgid.care_apps.errors",
    "zorgid.oidc.errors",
    "zorgid.administration.importing",
    "zorgid.administration.import_errors",
    "zorgid.administration.correction_errors",
    "zorgid.applications.errors",
    "zorgid.orgdoc.errors",
    "zorgid.orgdoc.key_errors",
    "zorgid.outbox.errors",
    "zorgid.flows.errors",
    "zorgid.smartcards.errors",
    "zorgid.widscan.errors",
    "zorgid.api.errors",
    "zorgid.portal.errors",
    "zorgid.portal.metrics_errors",
    "zorgid.clients.app.errors",
    "zorgid.clients.desktop.errors",
    "zorgid.clients.desktop.smartcard_errors",
    "zorgid.clients.validatietool.errors",
    "zorgid.clients.widscan.app_errors",
    "zorgid.clients.widscan.errors",
    "zorgid.clients.widscan.image_errors",
    "zorgid.devtools.errors",
    "zorgid.server_backup.errors",
)


def load_all() -> None:
    """Import every module that defines errors, so each code is registered."""
    for name in ERROR_MODULES:
        importlib.import_module(name)


def catalogue() -> list[type[ZorgidError]]:
    load_all()
    return registered_errors()
