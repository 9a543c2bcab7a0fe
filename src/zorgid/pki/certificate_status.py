"""The status of every certificate a CA of zorgid issues, and the CRL of each CA (docs/security.md, "Revocation:
CRL and OCSP").

A certificate is recorded when it is issued (:func:`record_issued`, in the issuing transaction) and changes status
only here, in the caller's transaction: :func:`revoke` (final), :func:`hold` (certificateHold) and :func:`release`
(the hold taken off). Every change writes a new CRL of that CA in the same transaction (its number one higher); a
CRL older than the refresh interval is made anew when it is asked for (:func:`current_crl`) or by
``zorgid pki crl``. The callers record the audit event of the change (pki sits below audit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.db import transaction

from zorgid import clock

from .ca import MOBILE_ID_CA, CertificateAuthority, get_ca
from .models import CertificateStatus, IssuedCertificate, RevocationList
from .smartcard_ca import SMARTCARD_CA, get_smartcard_ca

HOLD_REASON = "certificateHold"
# RFC 5280 §5.3.1 reason codes by their ASN.1 names; "unspecified" is left out of CRL entries and OCSP answers
REASONS: dict[str, x509.ReasonFlags] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "keyCompromise": x509.ReasonFlags.key_compromise,
    "affiliationChanged": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
    HOLD_REASON: x509.ReasonFlags.certificate_hold,
    "privilegeWithdrawn": x509.ReasonFlags.privilege_withdrawn,
}


def _mobile_id_ca() -> tuple[CertificateAuthority, Path]:
    return get_ca(), Path(settings.ZORGID_HOME) / "ca"


def _smartcard_ca() -> tuple[CertificateAuthority, Path]:
    return get_smartcard_ca(), Path(settings.ZORGID_HOME) / "ca"  # next to the Mobile ID CA (pki/smartcard_ca.py)


# Every CA of zorgid by its id: the CA and the directory its key files live in (the OCSP responder's go there too)
AUTHORITIES: dict[str, Callable[[], tuple[CertificateAuthority, Path]]] = {
    MOBILE_ID_CA: _mobile_id_ca, SMARTCARD_CA: _smartcard_ca,
}


class UnknownAuthority(LookupError):
    pass


def authority(ca_id: str) -> tuple[CertificateAuthority, Path]:
    if ca_id not in AUTHORITIES:
        raise UnknownAuthority(ca_id)
    return AUTHORITIES[ca_id]()


def serial_hex(serial: int) -> str:
    return format(serial, "x")


def record_issued(ca_id: str, certificate: x509.Certificate, *, held: bool = False) -> IssuedCertificate:
    """Record a certificate the CA ``ca_id`` has just issued (good, or on hold when its holder is blocked)."""
    if ca_id not in AUTHORITIES:
        raise UnknownAuthority(ca_id)
    now = clock.now()
    entry = IssuedCertificate.objects.create(
        ca=ca_id, serial=serial_hex(certificate.serial_number), not_after=certificate.not_valid_after_utc,
        status=CertificateStatus.HOLD if held else CertificateStatus.GOOD, changed_at=now,
        reason=HOLD_REASON if held else "")
    if held:
        regenerate_crl(ca_id)
    return entry


def revoke(ca_id: str, serials: Iterable[str], *, reason: str = "unspecified", at: dt.datetime | None = None) -> int:
    """Revoke for good (also a held certificate); the number changed. ``serials`` in hexadecimal."""
    if reason not in REASONS or reason == HOLD_REASON:
        raise ValueError(f"not a reason to revoke: {reason}")
    return _change(ca_id, serials, (CertificateStatus.GOOD, CertificateStatus.HOLD), CertificateStatus.REVOKED,
                   reason, at)


def hold(ca_id: str, serials: Iterable[str], *, at: dt.datetime | None = None) -> int:
    """Put good certificates on hold (certificateHold): they are on the CRL until :func:`release`."""
    return _change(ca_id, serials, (CertificateStatus.GOOD,), CertificateStatus.HOLD, HOLD_REASON, at)


def release(ca_id: str, serials: Iterable[str], *, at: dt.datetime | None = None) -> int:
    """Take held certificates off hold: good again, and off the next CRL. A revoked one stays revoked."""
    return _change(ca_id, serials, (CertificateStatus.HOLD,), CertificateStatus.GOOD, "", at)


def _change(ca_id: str, serials: Iterable[str], before: tuple[str, ...], after: str, reason: str,
            at: dt.datetime | None) -> int:
    serials = [s.lower() for s in serials]
    if not serials:
        return 0
    with transaction.atomic():
        changed = IssuedCertificate.objects.filter(ca=ca_id, serial__in=serials, status__in=before).update(
            status=after, reason=reason, changed_at=at or clock.now())
        if changed:
            regenerate_crl(ca_id)
    return changed


def status_of(ca_id: str, serial: int) -> IssuedCertificate | None:
    return IssuedCertificate.objects.filter(ca=ca_id, serial=serial_hex(serial)).first()


@dataclass(frozen=True)
class Revoked:
    serial: int
    at: dt.datetime
    reason: str  # a key of REASONS


def build_crl(ca: CertificateAuthority, revoked: Iterable[Revoked], *, number: int, this_update: dt.datetime,
              next_update: dt.datetime) -> x509.CertificateRevocationList:
    """The CRL of ``ca`` (RFC 5280 §5): its number, this and next update, an entry with its reason per
    certificate (none for "unspecified"), signed with the issuing CA's key."""
    ski = ca.issuing.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.issuing.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
    )
    for entry in revoked:
        item = x509.RevokedCertificateBuilder().serial_number(entry.serial).revocation_date(entry.at)
        if entry.reason in REASONS and entry.reason != "unspecified":
            item = item.add_extension(x509.CRLReason(REASONS[entry.reason]), critical=False)
        builder = builder.add_revoked_certificate(item.build())
    return ca.key.sign_crl(builder)


def regenerate_crl(ca_id: str) -> RevocationList:
    """A new CRL of ``ca_id`` with the next number, stored; in the caller's transaction (the row is locked, so
    the numbers of concurrent changes stay distinct and in order)."""
    ca, _ = authority(ca_id)
    with transaction.atomic():
        RevocationList.objects.get_or_create(ca=ca_id)
        stored = RevocationList.objects.select_for_update().get(ca=ca_id)
        now = clock.now()
        entries = IssuedCertificate.objects.filter(
            ca=ca_id, status__in=(CertificateStatus.HOLD, CertificateStatus.REVOKED), not_after__gt=now,
        ).order_by("changed_at", "serial")
        revoked = [Revoked(int(e.serial, 16), e.changed_at, e.reason or "unspecified") for e in entries]
        next_update = now + dt.timedelta(hours=settings.ZORGID_CRL_VALIDITY_HOURS)
        crl = build_crl(ca, revoked, number=stored.number + 1, this_update=now, next_update=next_update)
        stored.number += 1
        stored.der = crl.public_bytes(Encoding.DER)
        stored.this_update, stored.next_update = now, next_update
        stored.save()
        return stored


def current_crl(ca_id: str) -> RevocationList:
    """The stored CRL of ``ca_id``, made anew first when there is none or it is older than the refresh interval."""
    if ca_id not in AUTHORITIES:
        raise UnknownAuthority(ca_id)
    stored = RevocationList.objects.filter(ca=ca_id).first()
    refresh = dt.timedelta(hours=settings.ZORGID_CRL_REFRESH_HOURS)
    now = clock.now()
    if stored is None or not stored.der or stored.this_update is None or stored.this_update <= now - refresh \
            or stored.next_update <= now:
        stored = regenerate_crl(ca_id)
    return stored
