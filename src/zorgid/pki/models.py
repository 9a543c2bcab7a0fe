"""The status of every certificate a CA of zorgid issues, and each CA's current CRL (docs/security.md,
"Revocation: CRL and OCSP")."""

from __future__ import annotations

from django.db import models


class CertificateStatus(models.TextChoices):
    GOOD = "good", "good"
    HOLD = "hold", "on hold (certificateHold)"
    REVOKED = "revoked", "revoked"


class IssuedCertificate(models.Model):
    """One certificate a CA of zorgid issued: written in the transaction that issues it; its status changes only
    through zorgid.pki.certificate_status."""

    ca = models.CharField(max_length=32)  # the CA's id, e.g. "mobile-id"
    serial = models.CharField(max_length=40)  # hexadecimal, lower case, no leading zeros
    not_after = models.DateTimeField()
    status = models.CharField(max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.GOOD)
    changed_at = models.DateTimeField()  # issued, revoked, held or released
    reason = models.CharField(max_length=32, blank=True, default="")  # RFC 5280 CRLReason, e.g. keyCompromise

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ca", "serial"], name="pki_issued_certificate_ca_serial")]
        indexes = [models.Index(fields=["ca", "status", "not_after"], name="pki_issued_ca_status")]

    def __str__(self) -> str:
        return f"{self.ca} {self.serial}: {self.status}"


class RevocationList(models.Model):
    """A CA's current CRL (DER) and its number, which only grows."""

    ca = models.CharField(primary_key=True, max_length=32)
    number = models.PositiveBigIntegerField(default=0)
    der = models.BinaryField(default=b"")
    this_update = models.DateTimeField(null=True)
    next_update = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"CRL {self.number} van {self.ca}"
