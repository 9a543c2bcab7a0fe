"""The WID scan app's link to a Mobile ID and the WID checks it recorded (R-FLOW-WIDSCAN; docs/architecture.md,
"The WID scan app"). Of the link code only its hash is kept; of a document only its type, the last four characters
of its number, its expiry and the outcome, never the whole number, the names or a photo."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgid.identities.models import MobileId, Person, WidCheck, WidDocumentType, new_public_id


class WidScanLinkState(models.TextChoices):
    OFFERED = "offered", _("Aangeboden")
    CLAIMED = "claimed", _("Geclaimd")
    LINKED = "linked", _("Gekoppeld")
    DECLINED = "declined", _("Afgewezen")
    EXPIRED = "expired", _("Verlopen")
    ENDED = "ended", _("Beëindigd")


class WidScanLink(models.Model):
    """One link of a WID scan app (its EC P-256 key) to a Mobile ID, from the offer to its end."""

    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    mobile_id = models.ForeignKey(MobileId, on_delete=models.CASCADE, related_name="widscan_links")
    code_hash = models.CharField(max_length=64)  # zorgid.hashing.token_hash of the one-time link code
    state = models.CharField(max_length=16, choices=WidScanLinkState.choices, default=WidScanLinkState.OFFERED)
    public_key = models.BinaryField(null=True, blank=True)  # DER SubjectPublicKeyInfo, once claimed
    key_digest = models.CharField(max_length=64, blank=True)  # zorgid.protocol.widscan.key_digest
    device_name = models.CharField(max_length=64, blank=True)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()  # the offer's: claimed and approved before it
    claimed_at = models.DateTimeField(null=True, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # declined, replaced or its Mobile ID revoked
    last_signed_at = models.BigIntegerField(default=0)  # the last recorded check's signed_at: only later ones count

    class Meta:
        indexes = [models.Index(fields=["mobile_id", "state"])]

    def __str__(self) -> str:
        return f"WID-scan-koppeling {self.id} ({self.state})"


class WidScanPurpose(models.TextChoices):
    PATIENT = "patient", _("Patiënt")
    MEDEWERKER = "medewerker", _("Medewerker")


class WidScanOutcome(models.TextChoices):
    GELDIG = "geldig", _("Geldig")
    ONGELDIG = "ongeldig", _("Ongeldig")


class WidScanCheck(models.Model):
    """A WID check the linked WID scan app made and its holder recorded, signed with the app's key."""

    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    link = models.ForeignKey(WidScanLink, on_delete=models.PROTECT, related_name="checks")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="widscan_checks")  # who checked
    purpose = models.CharField(max_length=16, choices=WidScanPurpose.choices)
    document_type = models.CharField(max_length=20, choices=WidDocumentType.choices)
    number_last4 = models.CharField(max_length=4)
    expiry_date = models.DateField()
    outcome = models.CharField(max_length=16, choices=WidScanOutcome.choices)
    failed_checks = models.JSONField(default=list)
    checked_at = models.DateTimeField()  # the signed moment of the check
    recorded_at = models.DateTimeField()
    signature = models.BinaryField()
    # purpose medewerker: the code a beheerder gives the registration form (8 characters A-Z, 2-9), used once
    reference = models.CharField(max_length=8, null=True, blank=True, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # purpose medewerker: a keyed digest of the birth date in the document's MRZ (services.holder_digest), to tell
    # whether the document is of the person registered; "" for a patient's document or one without it
    holder_digest = models.CharField(max_length=64, blank=True, default="", db_default="")
    # the beheerder's WID check this reference became. The link is kept here, not on identities.WidCheck:
    # identities lies beneath widscan (pyproject.toml layers) and knows nothing of it, and a foreign key keeps
    # the two rows' tie checked by the database, which a copied reference on the WID check would not be
    used_for = models.OneToOneField(WidCheck, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="widscan_check")

    class Meta:
        indexes = [models.Index(fields=["person", "-checked_at"])]

    def __str__(self) -> str:
        return f"WID-scan {self.get_document_type_display()} …{self.number_last4} ({self.outcome})"
