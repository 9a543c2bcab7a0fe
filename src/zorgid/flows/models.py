"""A login flow is a stored object with an id, a state and an expiry timestamp (STYLE.md, Kratos).

Expiry is a timestamp, not a state: an expired flow is never revived; the portal starts a new one.
Only the services in ``zorgid.flows.services`` change ``state`` (see login_flow.mermaid).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from zorgid.identities.models import MobileId, new_public_id


class LoginFlowState(models.TextChoices):
    PENDING = "pending", "Wacht op de app"
    APPROVED = "approved", "Geaccepteerd in de app"
    COMPLETED = "completed", "Ingelogd"


class LoginFlow(models.Model):
    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    nonce = models.CharField(max_length=32, default=new_public_id, editable=False)
    browser_binding = models.CharField(max_length=64)  # SHA-256 of the secret kept in the browser session
    origin = models.CharField(max_length=200)
    requester_name = models.CharField(max_length=128)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=16, choices=LoginFlowState.choices, default=LoginFlowState.PENDING)
    mobile_id = models.ForeignKey(MobileId, null=True, blank=True, on_delete=models.PROTECT)
    approved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login flow {self.id} ({self.state})"

    def is_expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


class CardFlowPurpose(models.TextChoices):
    """What a card session is for (the value is signed by the Desktop App: see protocol.messages)."""

    SELF_REGISTRATION = "self-registration", "Registreren met uw UZI-pas"
    ORGANISATION_VALIDATION = "organisation-validation", "Uw organisatie valideren met uw UZI-pas"
    ATTRIBUTES = "attributes", "De UZI-attributen van uw UZI-pas koppelen aan uw ID"


class CardFlowState(models.TextChoices):
    PENDING = "pending", "Wacht op de Desktop App"
    ANSWERED = "answered", "UZI-pas gelezen"
    REFUSED = "refused", "UZI-pas geweigerd"
    COMPLETED = "completed", "Afgerond"


class CardFlow(models.Model):
    """A card session (DESIGN.md): the portal's challenge, answered once by the Desktop App with a UZI-pas.

    Valid 5 minutes and bound to the browser session; see card_flow.mermaid.
    """

    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    challenge = models.CharField(max_length=64, default=new_public_id, editable=False)
    purpose = models.CharField(max_length=32, choices=CardFlowPurpose.choices)
    browser_binding = models.CharField(max_length=64)
    origin = models.CharField(max_length=200)
    requester_name = models.CharField(max_length=128)
    person = models.ForeignKey("identities.Person", null=True, blank=True, on_delete=models.CASCADE)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=16, choices=CardFlowState.choices, default=CardFlowState.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    certificate_pem = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)  # the verified UZI attributes
    error_code = models.CharField(max_length=64, blank=True)  # why a verified card was refused

    def __str__(self) -> str:
        return f"card flow {self.id} ({self.purpose}, {self.state})"

    def is_expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at
