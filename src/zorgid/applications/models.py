"""An organisation's application: a long-lived record with a state, its history and its documents.

Only the transitions in ``zorgid.applications.services`` change ``state`` (see application.mermaid).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("Ingediend")
    DOCUMENT_RECEIVED = "document_received", _("Document ontvangen")
    DOCUMENT_VERIFIED = "document_verified", _("Document geverifieerd")
    MORE_INFORMATION_NEEDED = "more_information_needed", _("Aanvullende gegevens nodig")
    FOLLOWUP_SENT = "followup_sent", _("Vervolgformulier verstuurd")
    FOLLOWUP_RECEIVED = "followup_received", _("Vervolgformulier ontvangen")
    ACTIVATION_SENT = "activation_sent", _("Activatie-QR-code verstuurd")
    COMPLETED = "completed", _("Registratie afgerond")
    DECLINED = "declined", _("Afgewezen")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    EXPIRED = "expired", _("Verlopen")


OPEN_STATES = (
    ApplicationState.SUBMITTED, ApplicationState.DOCUMENT_RECEIVED, ApplicationState.DOCUMENT_VERIFIED,
    ApplicationState.MORE_INFORMATION_NEEDED, ApplicationState.FOLLOWUP_SENT, ApplicationState.FOLLOWUP_RECEIVED,
    ApplicationState.ACTIVATION_SENT,
)


class Product(models.TextChoices):
    MOBIEL = "mobiel", _("ZORG-ID Mobiel / Smart")
    SMARTCARD = "smartcard", _("ZORG-ID Smartcard")


class Application(models.Model):
    reference = models.CharField(max_length=32, unique=True)
    state = models.CharField(max_length=32, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED)
    product = models.CharField(max_length=16, choices=Product.choices)
    environment = models.CharField(max_length=16)
    # the organisation as the technisch beheerder entered it
    organisation_name = models.CharField(max_length=200)
    ura = models.CharField(max_length=8, db_index=True)
    kvk = models.CharField(max_length=8)
    street = models.CharField(max_length=200)
    house_number = models.CharField(max_length=16)
    postcode = models.CharField(max_length=7)
    city = models.CharField(max_length=100)
    # the three contacts (R-ROLE-TB, R-ROLE-VTW, R-ROLE-ADM)
    tb_name = models.CharField(max_length=200)
    tb_email = models.EmailField()
    tb_phone = models.CharField(max_length=20)
    vtw_name = models.CharField(max_length=200)
    vtw_email = models.EmailField()
    vtw_phone = models.CharField(max_length=20)
    adm_name = models.CharField(max_length=200)
    adm_email = models.EmailField()
    adm_phone = models.CharField(max_length=20)
    # secrets behind links, kept as hashes only
    status_token_hash = models.CharField(max_length=64)
    followup_token_hash = models.CharField(max_length=64, blank=True)
    followup_expires_at = models.DateTimeField(null=True, blank=True)
    # what happened
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    signed_document = models.TextField(blank=True)
    verification = models.JSONField(default=dict, blank=True)  # the last check: ok or the refusal's code
    decision_reason = models.TextField(blank=True)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT)
    administrator = models.ForeignKey("identities.Person", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation_name} ({self.get_state_display()})"


class ApplicationEvent(models.Model):
    """Every state change, timestamped and attributed (R-FLOW-APPLY: "can be followed by its reference")."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    actor = models.CharField(max_length=128)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.from_state or '-'} → {self.to_state}"

    @property
    def from_state_label(self) -> str:
        return ApplicationState(self.from_state).label if self.from_state else ""

    @property
    def to_state_label(self) -> str:
        return ApplicationState(self.to_state).label
