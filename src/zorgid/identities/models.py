"""A person (as in the WID), his Mobile IDs and one-time activation codes (his roles: organisations.models)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from zorgid import clock


def new_public_id() -> str:
    """A random 128-bit identifier, safe to show and to put in a QR code."""
    return secrets.token_hex(16)


class Person(models.Model):
    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    first_names = models.CharField(max_length=128)
    last_name = models.CharField(max_length=128)
    birth_date = models.DateField()
    created_at = models.DateTimeField()
    blocked_at = models.DateTimeField(null=True, blank=True)  # R-FLOW-PIN: lost phone; no login anywhere
    # portal sessions logged in before this moment are over, also after an unblock (portal/session.py)
    sessions_ended_at = models.DateTimeField(null=True, blank=True)
    # the last correction of his names or birth date (administration.employees.change, identities.corrections):
    # when, by whom ("" the service desk, else the organisation's name), and when the portal's overview told him
    corrected_at = models.DateTimeField(null=True, blank=True)
    corrected_by = models.CharField(max_length=200, blank=True)
    correction_shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [  # the employee list's order and filters (bench/admin.py)
            models.Index(fields=["last_name", "first_names", "id"]),
            models.Index(fields=["birth_date"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}"


class MobileIdStatus(models.TextChoices):
    ACTIVE = "active", "Actief"
    REVOKED = "revoked", "Ingetrokken"


class MobileId(models.Model):
    """A key pair in the app and the certificate our CA issued for it (R-CRED-MOBILE)."""

    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mobile_ids")
    certificate_pem = models.TextField()
    serial = models.CharField(max_length=40, unique=True)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    status = models.CharField(max_length=16, choices=MobileIdStatus.choices, default=MobileIdStatus.ACTIVE)
    activated_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # the phone's name as the app sent it at activation or at the last restore (zorgid.protocol.device_names);
    # "" when the app sent none
    device_name = models.CharField(max_length=64, blank=True, default="", db_default="")

    def __str__(self) -> str:
        return f"Mobile ID {self.id} van {self.person}"


class ActivationCode(models.Model):
    """A one-time code behind an activation QR, valid 10 days (R-CONST-REG). Only its hash is kept."""

    code_hash = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activation_codes")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    mobile_id = models.OneToOneField(MobileId, null=True, blank=True, on_delete=models.SET_NULL)
    uzi_attributes = models.JSONField(null=True, blank=True)  # linked to the Mobile ID on activation

    def __str__(self) -> str:
        return f"activatiecode voor {self.person} (geldig tot {clock.format_day(self.expires_at)})"


class UziRegistration(models.Model):
    """UZI attributes of a UZI-pas linked to a Mobile ID (R-FLOW-ATTR, R-FLOW-SELFREG)."""

    mobile_id = models.ForeignKey(MobileId, on_delete=models.CASCADE, related_name="uzi_registrations")
    uzi_number = models.CharField(max_length=9)
    card_type = models.CharField(max_length=1)
    ura = models.CharField(max_length=8)
    role = models.CharField(max_length=6)
    agb = models.CharField(max_length=8)
    common_name = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200)
    certificate_serial = models.CharField(max_length=64)
    registered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mobile_id", "uzi_number", "ura", "role"], name="unique_uzi_registration"),
        ]
        indexes = [models.Index(fields=["uzi_number"])]

    def __str__(self) -> str:
        return f"UZI {self.uzi_number} ({self.card_type}, URA {self.ura}, rol {self.role})"


class WidDocumentType(models.TextChoices):
    PASPOORT = "paspoort", _("Paspoort")
    IDENTITEITSKAART = "identiteitskaart", _("Identiteitskaart")
    RIJBEWIJS = "rijbewijs", _("Rijbewijs")
    VERBLIJFSDOCUMENT = "verblijfsdocument", _("Verblijfsdocument")


class WidCheckMethod(models.TextChoices):
    """How the document's data came in: typed by the beheerder, or from a check his own WID scan app recorded
    (R-FLOW-WIDSCAN; that check, zorgid.widscan.models.WidScanCheck, names this WID check as ``used_for``)."""

    GETYPT = "getypt", _("getypt")
    GESCAND = "gescand", _("gescand met de WID scan app")


class WidCheck(models.Model):
    """A face-to-face check of an identity document (WID) by a beheerder (R-FLOW-BEHREG)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="wid_checks")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT)
    document_type = models.CharField(max_length=20, choices=WidDocumentType.choices)
    number_last4 = models.CharField(max_length=4)
    expiry_date = models.DateField()
    checked_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()
    # db_default: rows the release before inserts (without this column) were typed (docs/deployment.md)
    method = models.CharField(max_length=8, choices=WidCheckMethod.choices, default=WidCheckMethod.GETYPT,
                              db_default=WidCheckMethod.GETYPT)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        document = f"{self.get_document_type_display()} …{self.number_last4}"
        return f"WID-controle {document} ({clock.format_day(self.checked_at)})"


class KeyShare(models.Model):
    """The server's part in every use of a Mobile ID's key (docs/security.md; R-SEC-PIN).

    The app's key is encrypted under a key derived from the PIN and this share; the share is released only for
    the right PIN proof, with few tries: a copy of the app's files is useless without the server. Only an unlock
    signed with the app's device key counts, so knowing the Mobile ID's id is not enough to spend its tries.
    """

    mobile_id = models.OneToOneField(MobileId, primary_key=True, on_delete=models.CASCADE, related_name="key_share")
    verifier = models.CharField(max_length=64)  # HMAC(pepper, PIN proof), hex
    sealed_share = models.TextField()  # the share, AES-GCM under a key of the keyring (identities/keyring.py)
    # the keyring's key that sealed it; 0: derived from SECRET_KEY
    key_id = models.PositiveIntegerField(default=0, db_default=0)
    # the app's device key (base64url DER SubjectPublicKeyInfo, P-256); empty for an ID of an older app
    device_key = models.TextField(blank=True)
    # the device key it replaced at the last restore from backup: that app is told the ID moved (keyshare.py)
    moved_from_device_key = models.TextField(blank=True)
    device_signed_at_ms = models.BigIntegerField(default=0)  # the last unlock's time, taken once (no replay)
    failure_times = models.JSONField(default=list)  # wrong PIN proofs of the last 24 hours, Unix seconds
    wrong_since_use = models.PositiveIntegerField(default=0)  # wrong PIN proofs since the last right one
    last_use_at = models.DateTimeField(null=True, blank=True)  # the last right PIN proof
    blocked_until = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)  # the one-time unlock token of the last unlock
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # the holder's names or birth date were corrected since this app's last use: its next unlock tells it, once
    correction_to_tell = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"key share of {self.mobile_id_id}"


class SmartcardStatus(models.TextChoices):
    ACTIVE = "active", "Actief"
    REVOKED = "revoked", "Ingetrokken"


class Smartcard(models.Model):
    """A ZORG-ID Smartcard: a card the employee made himself with his UZI-pas, its three certificates from the
    smartcard CA (R-CRED-SMARTCARD). Blocked is the person's block, as for Mobile IDs; revoked is final."""

    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="smartcards")
    card_number = models.CharField(max_length=9, unique=True)  # pki.smartcard_profile.smartcard_number
    label = models.CharField(max_length=64, blank=True)  # the token's label
    authentication_pem = models.TextField()
    authentication_serial = models.CharField(max_length=40, unique=True)
    signing_pem = models.TextField()
    signing_serial = models.CharField(max_length=40, unique=True)
    encryption_pem = models.TextField()
    encryption_serial = models.CharField(max_length=40, unique=True)
    not_after = models.DateTimeField()
    status = models.CharField(max_length=16, choices=SmartcardStatus.choices, default=SmartcardStatus.ACTIVE)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    ura = models.CharField(max_length=8)  # the organisation it was made for
    organisation_name = models.CharField(max_length=200)
    uzi_number = models.CharField(max_length=9)  # the UZI-pas it was made with
    card_type = models.CharField(max_length=1)
    role = models.CharField(max_length=6)

    class Meta:
        constraints = [  # one active smartcard per person
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="active"),
                                    name="one_active_smartcard_per_person"),
        ]

    def __str__(self) -> str:
        return f"ZORG-ID Smartcard {self.card_number} van {self.person}"

    @property
    def serials(self) -> list[str]:
        return [self.authentication_serial, self.signing_serial, self.encryption_serial]
