"""Issuing and revoking a ZORG-ID Smartcard (R-CRED-SMARTCARD; docs/uzi.md "ZORG-ID Smartcard").

The Desktop App generates three key pairs on a blank card and has each key sign its proof of possession
(zorgid.protocol.card_keys.CardKeyProof) over the flow's challenge; :func:`issue_smartcard` checks every proof
and the employee's own UZI-pas, and issues the three certificates from the smartcard CA, in one transaction with
its audit event. One smartcard per person is active: a new one supersedes the earlier. Blocked is the person's
block, as for Mobile IDs (administration.employees.set_blocked holds and releases the certificates); a revoke is
final (docs/security.md, "Revocation: CRL and OCSP").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.db import IntegrityError, transaction

from zorgid import clock
from zorgid.audit.services import record
from zorgid.pki import certificate_status
from zorgid.pki.errors import SmartcardKeyNotAllowed
from zorgid.pki.smartcard_ca import SMARTCARD_CA
from zorgid.pki.smartcard_profile import (
    NO_AGB,
    SmartcardHolder,
    check_card_key,
    smartcard_certificates,
    smartcard_number,
)
from zorgid.pki.uzi.othername import ZORGID_SMARTCARD_CA_OIDS
from zorgid.pki.uzi.roles import NO_ROLE
from zorgid.protocol.card_keys import CARD_KEY_ROLES, MAX_CARD_KEY_PROOF_BYTES, CardKeyProof
from zorgid.protocol.errors import MessageMalformed

from .errors import SmartcardKeysInvalid, SmartcardProofInvalid, SmartcardUziInvalid, SmartcardUziNotHis
from .models import Person, Smartcard, SmartcardStatus, UziRegistration
from .people import card_names_match
from .signals import sessions_ended

SMARTCARD_VALIDITY_DAYS = 5 * 365  # as a UZI-pas
CARD_NUMBER_ATTEMPTS = 3
MAX_NAME = 64  # the certificate's subject (pki.smartcard_profile.MAX_NAME)


@dataclass(frozen=True)
class IssuedSmartcard:
    """The smartcard kept, and its certificates (DER per role) for the Desktop App to write to the card."""

    smartcard: Smartcard
    certificates: dict[str, bytes]


def _checked_keys(challenge: object, keys: object) -> dict[str, rsa.RSAPublicKey]:
    """Each role's public key, after its proof of possession verified; else a refusal (nothing written)."""
    if not isinstance(keys, Mapping) or set(keys) != set(CARD_KEY_ROLES):
        raise SmartcardKeysInvalid("the keys are not one per role")
    public_keys: dict[str, rsa.RSAPublicKey] = {}
    for role in CARD_KEY_ROLES:
        entry = keys[role]
        if not (isinstance(entry, tuple | list) and len(entry) == 2 and all(isinstance(x, bytes) for x in entry)):
            raise SmartcardKeysInvalid(f"{role}: not (public key, proof)")
        der, signature = entry
        if not 0 < len(signature) <= MAX_CARD_KEY_PROOF_BYTES:
            raise SmartcardProofInvalid(f"{role}: proof of {len(signature)} bytes")
        try:
            proof = CardKeyProof(challenge, role, der)  # type: ignore[arg-type]
        except MessageMalformed as exc:
            raise SmartcardProofInvalid(f"{role}: {exc.detail}"[:120]) from None
        try:
            key = check_card_key(serialization.load_der_public_key(der))
        except (ValueError, TypeError, SmartcardKeyNotAllowed):
            raise SmartcardKeysInvalid(f"{role}: not an RSA-2048 public key") from None
        try:
            key.verify(signature, proof.canonical_bytes(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise SmartcardProofInvalid(f"{role}: the proof does not verify") from None
        public_keys[role] = key
    if len({key.public_numbers().n for key in public_keys.values()}) != len(public_keys):
        raise SmartcardKeysInvalid("the same key for two roles")
    return public_keys


def _moment(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            raise SmartcardUziInvalid("validity is not a date") from None
    return None


def _checked_uzi(person: Person, uzi: object, now: dt.datetime) -> dict:
    """The UZI-pas's attributes, if they are this person's and the pas is valid now."""
    if dataclasses.is_dataclass(uzi) and not isinstance(uzi, type):
        uzi = dataclasses.asdict(uzi)
    if not isinstance(uzi, Mapping) or not all(isinstance(uzi.get(k), str) for k in ("uzi_number", "ura", "card_type")):
        raise SmartcardUziInvalid("no UZI attributes")
    if uzi.get("ca_oid") in ZORGID_SMARTCARD_CA_OIDS.values():  # a ZORG-ID Smartcard is no UZI-pas
        raise SmartcardUziInvalid("a ZORG-ID Smartcard, not a UZI-pas")
    start, end = _moment(uzi.get("not_valid_before")), _moment(uzi.get("not_valid_after"))
    if (start is not None and now < start) or (end is not None and now >= end):
        raise SmartcardUziInvalid("outside its validity")
    if not card_names_match(person.first_names, person.last_name, given_name=uzi.get("given_name"),
                            surname=uzi.get("surname")):
        raise SmartcardUziNotHis("the name on the UZI-pas is not his")
    known = set(UziRegistration.objects.filter(mobile_id__person=person).values_list("uzi_number", flat=True))
    if known and uzi["uzi_number"] not in known:
        raise SmartcardUziNotHis("the UZI number is not his")
    return dict(uzi)


def _next_card_number() -> str:
    last = Smartcard.objects.order_by("-card_number").values_list("card_number", flat=True).first()
    return smartcard_number(int(last[2:]) + 1 if last else 1)


def _text(value: str) -> str:
    return " ".join(value.split())[:MAX_NAME].strip()


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def issue_smartcard(person: Person, organisation, *, challenge: str, keys: Mapping[str, tuple[bytes, bytes]],
                    uzi, actor: str, ip: str = "", label: str = "") -> IssuedSmartcard:
    """Certify the keys of a new ZORG-ID Smartcard of ``person`` for ``organisation`` (its ``ura`` and ``name``).

    ``keys``: per role of CARD_KEY_ROLES the DER public key and its proof of possession over ``challenge``;
    ``uzi``: the verified attributes of his UZI-pas (pki.uzi's UziAttributes or a dict of them). An earlier
    active smartcard of his is revoked (superseded) in the same transaction."""
    public_keys = _checked_keys(challenge, keys)
    for attempt in range(CARD_NUMBER_ATTEMPTS):  # two cards made at once may draw the same next card number
        try:
            return _issue(person, organisation, public_keys, uzi=uzi, actor=actor, ip=ip, label=label)
        except IntegrityError:
            if attempt == CARD_NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _issue(person: Person, organisation, public_keys: dict[str, rsa.RSAPublicKey], *, uzi, actor: str, ip: str,
           label: str) -> IssuedSmartcard:
    with transaction.atomic():
        now = clock.now()
        person = Person.objects.select_for_update().get(pk=person.pk)
        attributes = _checked_uzi(person, uzi, now)
        for earlier in Smartcard.objects.select_for_update().filter(person=person, status=SmartcardStatus.ACTIVE):
            if _revoke(earlier, now, actor=actor, reason="superseded", ip=ip):  # its sessions end, as at any revoke
                sessions_ended.send(sender=Smartcard, person=person, mobile_id=None, smartcard=earlier,
                                    reason="revoked")
        zorgverlener = attributes["card_type"] == "Z" and attributes["ura"] == organisation.ura
        holder = SmartcardHolder(
            card_number=_next_card_number(), given_name=_text(person.first_names), surname=_text(person.last_name),
            name=_text(person.full_name), ura=organisation.ura, organisation=_text(organisation.name),
            card_type="Z" if zorgverlener else "N", role=attributes.get("role") if zorgverlener else NO_ROLE,
            agb=(attributes.get("agb") or NO_AGB) if zorgverlener else NO_AGB,
            environment=settings.ZORGID_ENVIRONMENT)
        certificates = smartcard_certificates(public_keys, holder=holder, start=now - dt.timedelta(minutes=5),
                                              days=SMARTCARD_VALIDITY_DAYS)
        held = person.blocked_at is not None
        for certificate in certificates.values():  # on hold while he is blocked
            certificate_status.record_issued(SMARTCARD_CA, certificate, held=held)
        auth, sign, encrypt = (certificates[role] for role in CARD_KEY_ROLES)
        card = Smartcard.objects.create(
            person=person, card_number=holder.card_number, label=str(label)[:64],
            authentication_pem=_pem(auth), authentication_serial=certificate_status.serial_hex(auth.serial_number),
            signing_pem=_pem(sign), signing_serial=certificate_status.serial_hex(sign.serial_number),
            encryption_pem=_pem(encrypt), encryption_serial=certificate_status.serial_hex(encrypt.serial_number),
            not_after=auth.not_valid_after_utc, issued_at=now, ura=organisation.ura,
            organisation_name=organisation.name[:200], uzi_number=attributes["uzi_number"],
            card_type=holder.card_type, role=holder.role)
        record("smartcard.issued", actor=actor, subject=f"smartcard:{card.id}", ip=ip,
               details={"card_number": card.card_number, "ura": card.ura, "uzi_number": card.uzi_number,
                        "serials": card.serials, "held": held})
    return IssuedSmartcard(card, {role: certificates[role].public_bytes(serialization.Encoding.DER)
                                  for role in CARD_KEY_ROLES})


def _revoke(card: Smartcard, now: dt.datetime, *, actor: str, reason: str, ip: str, ura: str = "") -> bool:
    updated = Smartcard.objects.filter(id=card.id, status=SmartcardStatus.ACTIVE).update(
        status=SmartcardStatus.REVOKED, revoked_at=now)
    if updated:
        certificate_status.revoke(SMARTCARD_CA, card.serials, reason="superseded" if reason == "superseded"
                                  else "unspecified", at=now)  # final; on the CRL and in OCSP
        record("smartcard.revoked", actor=actor, subject=f"smartcard:{card.id}", ip=ip,
               details={"reason": reason, "card_number": card.card_number, "ura": ura or card.ura})
    return bool(updated)


def revoke_smartcard(card: Smartcard, *, actor: str, reason: str, ip: str = "", ura: str = "") -> None:
    """Revoke for good; his sessions at healthcare applications made with this card end (as for a revoked Mobile
    ID: those of his Mobile ID stay). ``ura``: the organisation whose manager revoked it, whose audit log shows the
    event (default: the organisation the card was made for)."""
    with transaction.atomic():
        if _revoke(card, clock.now(), actor=actor, reason=reason, ip=ip, ura=ura):
            sessions_ended.send(sender=Smartcard, person=card.person, mobile_id=None, smartcard=card, reason="revoked")


def active_smartcard_serials(person: Person) -> list[str]:
    """The certificate serials of his active smartcard (none or one), for a block's hold and an unblock."""
    return [serial for card in Smartcard.objects.filter(person=person, status=SmartcardStatus.ACTIVE)
            for serial in card.serials]
