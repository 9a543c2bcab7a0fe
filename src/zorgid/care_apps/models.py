"""An accepted healthcare application (zorgapplicatie) as the operator registers it: who makes it, which of its
versions and products are accepted, where it may be sent back to, how it proves who it is, and its history.

The register is public (``/applicaties``): an organisation checks there that its application supports ZORG-ID
(docs/koppelen.md). An application logs in its users with the OpenID Connect provider (``zorgid.oidc``); its
``client_id`` is the application's id.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgid.identities.models import new_public_id


def new_subject_salt() -> str:
    """The application's own secret for its pairwise subject identifiers (docs/security.md): never shown."""
    return secrets.token_hex(32)


class Product(models.TextChoices):
    MOBIEL = "mobiel", _("ZORG-ID Mobiel")
    SMARTCARD = "smartcard", _("ZORG-ID Smartcard")


class CareAppStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Geaccepteerd")
    SUSPENDED = "suspended", _("Opgeschort")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class CareApplication(models.Model):
    client_id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    name = models.CharField(max_length=128)
    supplier = models.CharField(max_length=128)
    products = models.JSONField(default=list)  # Product values, at least one
    redirect_uris = models.JSONField(default=list)  # matched exactly
    post_logout_redirect_uris = models.JSONField(default=list, blank=True)
    backchannel_logout_uri = models.CharField(max_length=500, blank=True)
    # client authentication (docs/koppelen.md): private_key_jwt against these keys, or mutual TLS
    jwks = models.JSONField(null=True, blank=True)  # a JWK Set given inline
    jwks_uri = models.CharField(max_length=500, blank=True)  # or fetched from here
    tls_ura = models.CharField(max_length=8, blank=True)  # a UZI server certificate of this URA (binds the app to it)
    tls_subject_dn = models.CharField(max_length=500, blank=True)  # or a supplier's OV certificate with this subject
    status = models.CharField(max_length=16, choices=CareAppStatus.choices, default=CareAppStatus.ACCEPTED)
    # the scope wid_check (an employee's latest WID check of a patient's document, docs/koppelen.md): only for an
    # application the operator allows it, for it tells when and which document the employee checked
    wid_check_allowed = models.BooleanField(default=False, db_default=False)
    subject_salt = models.CharField(max_length=64, default=new_subject_salt, editable=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "client_id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.supplier})"


class VersionState(models.TextChoices):
    ACCEPTED = "accepted", _("Geaccepteerd")
    REFUSED = "refused", _("Niet geaccepteerd")


class CareAppVersion(models.Model):
    """A version of an application and whether it is accepted; a version without a row is not accepted."""

    application = models.ForeignKey(CareApplication, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=32)
    state = models.CharField(max_length=16, choices=VersionState.choices, default=VersionState.ACCEPTED)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "version"]
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="care_app_version_once")]

    def __str__(self) -> str:
        return f"{self.application.name} {self.version} ({self.state})"


class CareAppEvent(models.Model):
    """The application's history as the register shows it (the audit log has the same events, chained)."""

    application = models.ForeignKey(CareApplication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.CharField(max_length=128)
    action = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} ({self.application_id})"
