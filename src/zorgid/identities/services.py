"""Use cases of the identities domain: persons, operators, activation codes, Mobile IDs.

Each use case is one transaction that also records its audit event (docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import connection, transaction

from zorgid import clock, metrics
from zorgid.audit.services import record
from zorgid.hashing import token_hash
from zorgid.pki import certificate_status
from zorgid.pki.ca import MOBILE_ID_CA, get_ca
from zorgid.pki.csr import load_csr
from zorgid.pki.profiles import build, mobile_id_profile
from zorgid.protocol.device_names import clean_device_name
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.payloads import TOKEN, ActivationPayload

from . import keyshare
from .errors import (
    ActivationCodeExpired,
    ActivationCodeUnknown,
    ActivationCodeUsed,
    MobileIdExpired,
    MobileIdRevoked,
    MobileIdUnknown,
    PersonBlocked,
)
from .models import (
    ActivationCode,
    MobileId,
    MobileIdStatus,
    Person,
    UziRegistration,
    new_public_id,
)
from .signals import sessions_ended


@dataclass(frozen=True)
class IssuedActivation:
    person: Person
    code: str
    expires_at: dt.datetime

    def payload(self, server: str) -> ActivationPayload:
        return ActivationPayload(server=server, code=self.code)


def issue_activation_code(person: Person, *, actor: str, ip: str = "",
                          uzi_attributes: dict | None = None) -> IssuedActivation:
    """A new one-time activation code for ``person``, valid 10 days (R-CONST-REG).

    ``uzi_attributes`` (from a verified UZI-pas) are linked to the Mobile ID the code activates.
    """
    code = secrets.token_urlsafe(24)
    now = clock.now()
    expires = now + dt.timedelta(days=settings.ZORGID_ACTIVATION_DAYS)
    with transaction.atomic():
        ActivationCode.objects.create(code_hash=token_hash(code), person=person, issued_at=now, expires_at=expires,
                                      uzi_attributes=uzi_attributes)
        existing = list(person.mobile_ids.filter(status=MobileIdStatus.ACTIVE).values_list("id", flat=True))
        record("activation_code.issued", actor=actor, subject=f"person:{person.id}", ip=ip,  # his IDs stay active
               details={"expires_at": expires.isoformat(), "existing_mobile_ids": sorted(existing)})
    return IssuedActivation(person, code, expires)


@dataclass(frozen=True)
class Activated:
    mobile_id: MobileId
    key_share: bytes  # the server's share of the key (docs/security.md), returned this once


def activate(code: str, csr_pem: str, *, pin_proof: bytes, device_key: bytes, device_name: str = "",
             ip: str = "") -> Activated:
    """Check and consume the code and issue the Mobile ID certificate, all or nothing (R-CRED-MOBILE).

    The key share for the app's PIN proof and its device key (DER public key, the one that signs every unlock,
    not the Mobile ID's key) is made in the same transaction: no ID without one. ``device_name``, the phone's name
    the app sent ("" for none), is checked before anything is taken (zorgid.protocol.device_names).
    """
    try:
        return _activate(code, csr_pem, ip, pin_proof, device_key, device_name)
    except ZorgidError as error:
        record("activation.refused", actor="app", ip=ip, details={"code": error.code})
        metrics.activations.labels("refused", error.code).inc()
        raise


def activation_by_code(code: str, *, for_update: bool = False) -> ActivationCode:
    """The activation code's record if it can still be used: known, unused, within its 10 days."""
    if not isinstance(code, str) or not TOKEN.match(code):
        raise ActivationCodeUnknown("activation code missing or of the wrong form")
    found = ActivationCode.objects.select_related("person")
    activation = (found.select_for_update() if for_update else found).filter(code_hash=token_hash(code)).first()
    if activation is None:
        raise ActivationCodeUnknown()
    if activation.used_at is not None:
        raise ActivationCodeUsed()
    if clock.now() >= activation.expires_at:
        raise ActivationCodeExpired()
    return activation


def _activate(code: str, csr_pem: str, ip: str, pin_proof: bytes, device_key: bytes, device_name: str) -> Activated:
    device_name = clean_device_name(device_name) if device_name else ""
    activation_by_code(code)  # a cheap refusal before the CSR is even read
    csr = load_csr(csr_pem)
    device = keyshare.device_key(device_key, mobile_id_key=csr.public_key())
    with transaction.atomic():
        activation = activation_by_code(code, for_update=True)
        now = clock.now()
        mobile_id = _issue_mobile_id(activation.person, csr.public_key(), now, device_name)
        activation.used_at = now
        activation.mobile_id = mobile_id
        activation.save(update_fields=["used_at", "mobile_id"])
        if activation.uzi_attributes:
            link_uzi_attributes(mobile_id, activation.uzi_attributes, actor=f"person:{activation.person.id}", ip=ip)
        share = keyshare.create(mobile_id, pin_proof, device)
        record("mobile_id.activated", actor=f"person:{activation.person.id}", subject=f"mobile_id:{mobile_id.id}",
               ip=ip, details={"serial": mobile_id.serial})
        metrics.activations.labels("activated", "").inc()
        return Activated(mobile_id, share)


def _issue_mobile_id(person: Person, public_key, now: dt.datetime, device_name: str) -> MobileId:
    ca = get_ca()
    mobile_id = new_public_id()
    start = now - dt.timedelta(minutes=5)
    certificate = ca.issue(build(mobile_id_profile(
        public_key=public_key, identity_id=person.id, mobile_id=mobile_id, first_names=person.first_names,
        last_name=person.last_name, start=start, days=settings.ZORGID_MOBILE_ID_VALIDITY_DAYS,
        base_url=settings.ZORGID_BASE_URL, ca_id=MOBILE_ID_CA,
    )))
    # its status for CRL and OCSP, in the caller's transaction with the Mobile ID (on hold while he is blocked)
    certificate_status.record_issued(MOBILE_ID_CA, certificate, held=person.blocked_at is not None)
    return MobileId.objects.create(
        id=mobile_id, person=person,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        serial=format(certificate.serial_number, "x"), not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc, activated_at=now, device_name=device_name,
    )


def usable_mobile_id(mobile_id: str) -> tuple[MobileId, x509.Certificate]:
    """The Mobile ID and its certificate if it may sign now: known, not revoked, its holder not blocked, not expired.

    Every unlock and every approval asks, so in one plain query by the key (docs/architecture.md, "The login's hot
    path"); the holder is read when a caller asks for ``.person``.
    """
    found = None
    if isinstance(mobile_id, str) and len(mobile_id) <= 64:
        q = connection.ops.quote_name
        found = next(iter(MobileId.objects.raw(
            f"SELECT m.*, p.blocked_at IS NOT NULL AS holder_blocked FROM {q(MobileId._meta.db_table)} m "  # noqa: S608
            f"JOIN {q(Person._meta.db_table)} p ON p.id = m.person_id WHERE m.id = %s", [mobile_id])), None)
    if found is None:
        raise MobileIdUnknown()
    if found.status != MobileIdStatus.ACTIVE:
        raise MobileIdRevoked()
    if found.holder_blocked:
        raise PersonBlocked()
    now = clock.now()
    if not found.not_before <= now < found.not_after:
        raise MobileIdExpired()
    return found, x509.load_pem_x509_certificate(found.certificate_pem.encode())


def revoke_mobile_id(mobile_id: MobileId, *, actor: str, reason: str, ip: str = "") -> None:
    with transaction.atomic():
        now = clock.now()
        updated = MobileId.objects.filter(id=mobile_id.id, status=MobileIdStatus.ACTIVE).update(
            status=MobileIdStatus.REVOKED, revoked_at=now
        )
        if updated:
            certificate_status.revoke(MOBILE_ID_CA, [mobile_id.serial], at=now)  # final; on the CRL and in OCSP
            record("mobile_id.revoked", actor=actor, subject=f"mobile_id:{mobile_id.id}", ip=ip,
                   details={"reason": reason})
            # his sessions at healthcare applications with this ID end too (back-channel logout)
            sessions_ended.send(sender=MobileId, person=mobile_id.person, mobile_id=mobile_id, reason="revoked")


def link_uzi_attributes(mobile_id: MobileId, attributes: dict, *, actor: str, ip: str = "") -> UziRegistration:
    """R-FLOW-ATTR: the verified attributes of a UZI-pas, linked to a Mobile ID (once per card role)."""
    registration, created = UziRegistration.objects.get_or_create(
        mobile_id=mobile_id, uzi_number=attributes["uzi_number"], ura=attributes["ura"], role=attributes["role"],
        defaults={
            "card_type": attributes["card_type"], "agb": attributes["agb"],
            "common_name": attributes["common_name"], "organisation_name": attributes["organisation"],
            "certificate_serial": attributes["serial_number"], "registered_at": clock.now(),
        },
    )
    record("uzi_attributes.linked", actor=actor, subject=f"mobile_id:{mobile_id.id}", ip=ip,
           details={"uzi_number": registration.uzi_number, "ura": registration.ura, "role": registration.role,
                    "new": created})
    return registration
