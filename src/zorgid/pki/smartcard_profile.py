"""The ZORG-ID Smartcard certificate profile (R-CRED-SMARTCARD; docs/uzi.md "ZORG-ID Smartcard").

A ZORG-ID Smartcard works like a UZI-pas, so its three certificates have a UZI-pas's shape (docs/uzi.md "UZI
certificates") and a healthcare application that reads UZI-passes reads it the same way:

- subject: C=NL, O=<organisation>, [title (Z)], SN, GN, serialNumber=<card number>, CN=<full name>;
- subjectAltName otherName 2.5.5.5 (IA5String)
  ``<CA OID>-1-<card number>-<card type>-<URA>-<role>-<AGB>``, with zorgid's own CA OID
  (``pki.uzi.othername.ZORGID_SMARTCARD_CA_OIDS``: that is what tells it from a UZI-pas) and a card number of
  9 digits from zorgid's own range (``SMARTCARD_NUMBER_PREFIX``); the authentication certificate also has the
  UPN ``<card number>@<URA>``;
- per key role (zorgid.protocol.card_keys.CARD_KEY_ROLES) the key usage and extended key usages of the UZI-pas's
  certificate of that kind: authentication digitalSignature (clientAuth, emailProtection, documentSigning),
  signing nonRepudiation (emailProtection, documentSigning), encryption keyEncipherment + dataEncipherment
  (emailProtection, encrypting file system); a certificate policy of zorgid's arc per role;
- RSA-2048 public keys generated on the card; issued by the installation's smartcard CA
  (:mod:`.smartcard_ca`), with its CRL distribution point and the OCSP address (docs/security.md, "Revocation:
  CRL and OCSP"), and recorded in the certificate status when issued.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zorgid.protocol.card_keys import CARD_KEY_ROLES

from . import profiles
from .ca import CertificateAuthority
from .errors import SmartcardHolderInvalid, SmartcardKeyNotAllowed
from .smartcard_ca import SMARTCARD_CA, get_smartcard_ca
from .uzi.errors import UziMalformed
from .uzi.othername import UPN_OID, UZI_OTHER_NAME_OID, VERSION, ZORGID_OID_ARC, ZORGID_SMARTCARD_CA_OIDS, UziOtherName
from .uzi.roles import BEROEPEN, NO_ROLE

AUTHENTICATION, SIGNING, ENCRYPTION = CARD_KEY_ROLES
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")
ENCRYPTED_FILE_SYSTEM = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.4")
SMARTCARD_POLICIES = {  # zorgid's arc (pki.uzi.othername.ZORGID_OID_ARC) .2: the certificate policies per key role
    AUTHENTICATION: f"{ZORGID_OID_ARC}.2.1", SIGNING: f"{ZORGID_OID_ARC}.2.2", ENCRYPTION: f"{ZORGID_OID_ARC}.2.3",
}
SMARTCARD_NUMBER_PREFIX = "98"  # zorgid's own range of card numbers: 98xxxxxxx (unique with the CA OID)
SMARTCARD_CARD_TYPES = ("Z", "N")  # a card in a person's name: zorgverlenerpas or medewerkerpas op naam
NO_AGB = "00000000"
KEY_SIZE = 2048
MAX_NAME = 64  # RFC 5280 ub-common-name, ub-organization-name
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NUMBER = re.compile(SMARTCARD_NUMBER_PREFIX + r"[0-9]{7}")


@dataclass(frozen=True)
class RoleProfile:
    key_usages: tuple[str, ...]
    extended_key_usages: tuple[x509.ObjectIdentifier, ...]
    upn: bool = False


ROLE_PROFILES: dict[str, RoleProfile] = {  # as the UZI-pas's authentication, signature, confidentiality certificates
    AUTHENTICATION: RoleProfile(
        ("digital_signature",),
        (ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING), upn=True),
    SIGNING: RoleProfile(("content_commitment",), (ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING)),
    ENCRYPTION: RoleProfile(
        ("key_encipherment", "data_encipherment"), (ExtendedKeyUsageOID.EMAIL_PROTECTION, ENCRYPTED_FILE_SYSTEM)),
}


def smartcard_number(sequence: int) -> str:
    """The card number of the ``sequence``-th card (1..9,999,999): 9 digits in zorgid's range."""
    if not isinstance(sequence, int) or not 0 < sequence < 10**7:
        raise SmartcardHolderInvalid(f"card sequence {sequence!r} is not 1..9999999")
    return f"{SMARTCARD_NUMBER_PREFIX}{sequence:07d}"


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME or _CONTROL.search(value):
        raise SmartcardHolderInvalid(f"{field} {repr(value)[:80]} is not 1 to {MAX_NAME} characters of text")
    return value.strip()


@dataclass(frozen=True)
class SmartcardHolder:
    """Whom a ZORG-ID Smartcard is for, and for which organisation; every field is checked when made."""

    card_number: str  # 9 digits in zorgid's range (smartcard_number)
    given_name: str
    surname: str
    ura: str
    organisation: str
    card_type: str = "N"
    role: str = NO_ROLE  # a beroep (NN.NNN) on a Z card, 00.000 on an N card, as on a UZI-pas
    agb: str = NO_AGB
    name: str | None = None  # the CN; "<given name> <surname>" when not given
    environment: str = "acceptatie"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if not isinstance(self.card_number, str) or not _NUMBER.fullmatch(self.card_number):
            raise SmartcardHolderInvalid(f"card number {repr(self.card_number)[:20]} is not in zorgid's range "
                                         f"{SMARTCARD_NUMBER_PREFIX}xxxxxxx")
        if self.card_type not in SMARTCARD_CARD_TYPES:
            raise SmartcardHolderInvalid(f"card type {repr(self.card_type)[:10]} is not Z or N")
        if self.environment not in ZORGID_SMARTCARD_CA_OIDS:
            raise SmartcardHolderInvalid(f"environment {repr(self.environment)[:20]} is not known")
        set_(self, "given_name", _text(self.given_name, "given name"))
        set_(self, "surname", _text(self.surname, "surname"))
        set_(self, "organisation", _text(self.organisation, "organisation"))
        set_(self, "name", _text(self.name if self.name is not None else f"{self.given_name} {self.surname}",
                                 "name"))
        try:
            self.other_name()  # the UZI reader's own checks: URA, AGB, role per card type
        except UziMalformed as exc:
            raise SmartcardHolderInvalid(exc.detail) from None

    @property
    def title(self) -> str | None:
        """A Z card's profession, as on a UZI-pas (docs/uzi.md "UZI certificates")."""
        return BEROEPEN.get(self.role[:2]) if self.card_type == "Z" else None

    def other_name(self) -> UziOtherName:
        return UziOtherName(ZORGID_SMARTCARD_CA_OIDS[self.environment], VERSION, self.card_number, self.card_type,
                            self.ura, self.role, self.agb)

    def subject(self) -> x509.Name:
        """In a UZI-pas's attribute order."""
        attributes = [(NameOID.COUNTRY_NAME, "NL"), (NameOID.ORGANIZATION_NAME, self.organisation)]
        if self.title:
            attributes.append((NameOID.TITLE, self.title))
        attributes += [(NameOID.SURNAME, self.surname), (NameOID.GIVEN_NAME, self.given_name),
                       (NameOID.SERIAL_NUMBER, self.card_number), (NameOID.COMMON_NAME, self.name)]
        return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def _key_usage(*names: str) -> x509.KeyUsage:
    flags = dict.fromkeys(
        ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
         "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False)
    flags.update(dict.fromkeys(names, True))
    return x509.KeyUsage(**flags)


def check_card_key(public_key: object) -> rsa.RSAPublicKey:
    """A card key: RSA of exactly 2048 bits with a usual public exponent."""
    if not isinstance(public_key, rsa.RSAPublicKey) or public_key.key_size != KEY_SIZE:
        raise SmartcardKeyNotAllowed(f"{type(public_key).__name__}"[:60])
    exponent = public_key.public_numbers().e
    if exponent < 3 or exponent % 2 == 0 or exponent.bit_length() > 32:
        raise SmartcardKeyNotAllowed(f"public exponent {exponent}"[:60])
    return public_key


def smartcard_profile(role: str, *, public_key: rsa.RSAPublicKey, holder: SmartcardHolder, start: dt.datetime,
                      days: int, base_url: str = "", ca_id: str = "smartcard") -> list[profiles.Modifier]:
    """The modifiers of the card's certificate for the key of ``role``; with ``base_url``, where its status is
    published (CRL and OCSP of the CA ``ca_id``)."""
    if role not in ROLE_PROFILES:
        raise SmartcardKeyNotAllowed(f"key role {repr(role)[:30]}")
    profile = ROLE_PROFILES[role]
    check_card_key(public_key)
    san: list[x509.GeneralName] = []
    if profile.upn:
        san.append(x509.OtherName(UPN_OID, core.UTF8String(f"{holder.card_number}@{holder.ura}").dump()))
    san.append(x509.OtherName(UZI_OTHER_NAME_OID, core.IA5String(str(holder.other_name())).dump()))
    policy = x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(SMARTCARD_POLICIES[role]), None)])
    return [
        lambda b: b.subject_name(holder.subject()),
        profiles.validity(start, days),
        profiles.random_serial(),
        lambda b: b.add_extension(x509.SubjectAlternativeName(san), critical=False),
        profiles.key(public_key),
        lambda b: b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True),
        lambda b: b.add_extension(policy, critical=False),
        *([profiles.revocation_pointers(base_url, ca_id)] if base_url else []),
        lambda b: b.add_extension(_key_usage(*profile.key_usages), critical=True),
        profiles.extended_key_usage(*profile.extended_key_usages),
    ]


def smartcard_certificates(
    public_keys: Mapping[str, object], *, holder: SmartcardHolder, start: dt.datetime, days: int,
    base_url: str | None = None, ca: CertificateAuthority | None = None,
) -> dict[str, x509.Certificate]:
    """The card's three certificates (authentication, signing, encryption), issued by the smartcard CA.

    ``public_keys`` holds one RSA-2048 public key per role of CARD_KEY_ROLES, each a different key. Without ``ca``
    the installation's smartcard CA issues them, for a holder of its environment; ``base_url`` (there by default
    ZORGID_BASE_URL) names the CRL and the OCSP responder. Nothing is recorded: the caller records each
    certificate with ``certificate_status.record_issued(SMARTCARD_CA, ...)`` in the transaction that keeps the
    card (as a Mobile ID's is recorded with its row)."""
    if not isinstance(public_keys, Mapping) or set(public_keys) != set(CARD_KEY_ROLES):
        given = sorted(map(str, public_keys))[:5] if isinstance(public_keys, Mapping) else type(public_keys).__name__
        raise SmartcardKeyNotAllowed(f"key roles {given}, expected {', '.join(CARD_KEY_ROLES)}"[:120])
    keys = {role: check_card_key(public_keys[role]) for role in CARD_KEY_ROLES}
    if len({key.public_numbers().n for key in keys.values()}) != len(keys):
        raise SmartcardKeyNotAllowed("the same key for two roles")
    if ca is None:  # the installation's: its environment and address
        from django.conf import settings

        if holder.environment != settings.ZORGID_ENVIRONMENT:
            raise SmartcardHolderInvalid(f"environment {holder.environment}, not {settings.ZORGID_ENVIRONMENT}")
        base_url = settings.ZORGID_BASE_URL if base_url is None else base_url
        ca = get_smartcard_ca()
    return {
        role: ca.issue(profiles.build(smartcard_profile(
            role, public_key=keys[role], holder=holder, start=start, days=days, base_url=base_url or "",
            ca_id=SMARTCARD_CA)))
        for role in CARD_KEY_ROLES
    }
