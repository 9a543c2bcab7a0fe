"""The UZI certificate profile the test UZI CA issues (CPS UZI-register §7.1).

Mirrored from the UZI register's real test card in tests/vectors/uzi (jan-authenticiteit.cer and its two
siblings), so
that the server reads our test cards exactly as it reads real ones:

- subject, in this order: C=NL, O=<organisation>, [title (Z)], [SN, GN (Z, N)], serialNumber=<UZI>, CN;
- extensions, in this order: subjectAltName (UPN on the authentication certificate, otherName 2.5.5.5),
  subjectKeyIdentifier, basicConstraints CA:FALSE (critical), authorityKeyIdentifier,
  certificatePolicies (a test policy OID with a user notice), [CRL distribution point], keyUsage
  (critical), extendedKeyUsage;
- per certificate the key usage and EKUs of the real card, and the test policy OIDs .211/.212/.213.

An otherName value is raw DER: cryptography adds the ``[0] EXPLICIT`` wrapper itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from asn1crypto import core
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import (
    AgbInvalid,
    CardTypeInvalid,
    NameInvalid,
    OrganisationInvalid,
    RoleInvalid,
    UraInvalid,
    UziNumberInvalid,
)

TEST_CARD_CA_OID = "2.16.528.1.1007.99.217"
TEST_SERVER_CA_OID = "2.16.528.1.1007.99.2110"
TEST_SERVER_POLICY = "2.16.528.1.1007.99.12"  # the policy of the test Private Services CA G1 (tests/vectors/uzi)
UZI_OTHER_NAME = x509.ObjectIdentifier("2.5.5.5")
UPN = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
PERMANENT_IDENTIFIER = x509.ObjectIdentifier("1.3.6.1.5.5.7.8.3")
URA_ASSIGNER = "2.16.528.1.1007.3.3"
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")
ENCRYPTED_FILE_SYSTEM = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.4")
VERSION = "1"
NO_ROLE = "00.000"
NO_AGB = "00000000"
DEFAULT_Z_ROLE = "01.015"
MAX_NAME = 64  # RFC 5280 ub-common-name, ub-organization-name
USER_NOTICE = "Certificaat van de test-UZI-CA van zorgid: uitsluitend voor ontwikkeling en tests, geen echte UZI-pas."
CARD_TYPES = {"Z": "zorgverlenerpas", "N": "medewerkerpas op naam", "M": "medewerkerpas niet op naam"}
# Beroep (first two digits of the role code) → the subject's title on a Z card (docs/uzi.md "Identifiers").
TITLES = {
    "01": "Arts", "02": "Tandarts", "03": "Verloskundige", "04": "Fysiotherapeut", "16": "Psychotherapeut",
    "17": "Apotheker", "25": "Gezondheidszorgpsycholoog", "30": "Verpleegkundige",
    "31": "Orthopedagoog-generalist", "79": "Geregistreerd-mondhygiënist", "80": "Bachelor medisch hulpverlener",
    "81": "Physician assistant", "82": "Klinisch technoloog", "83": "Apothekersassistent",
    "84": "Klinisch fysicus", "86": "Verzorgende individuele gezondheidszorg", "89": "Diëtist",
    "90": "Ergotherapeut", "91": "Logopedist", "92": "Mondhygiënist", "95": "Orthoptist", "96": "Podotherapeut",
    "99": "Zorgverlener andere zorg",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ROLE = re.compile(r"[0-9]{2}\.[0-9]{3}")


class CertificateKind(StrEnum):
    """The three certificates of a UZI-pas (M cards lack the signature certificate)."""

    AUTHENTICATION = "authentication"
    SIGNATURE = "signature"
    CONFIDENTIALITY = "confidentiality"


@dataclass(frozen=True)
class KindProfile:
    """What differs between the three certificates, and how the token names the key and certificate."""

    policy: str
    key_usages: tuple[str, ...]
    extended_key_usages: tuple[x509.ObjectIdentifier, ...]
    token_label: str
    key_id: bytes
    upn: bool = False


PROFILES: dict[CertificateKind, KindProfile] = {
    CertificateKind.AUTHENTICATION: KindProfile(
        "2.16.528.1.1007.99.211", ("digital_signature",),
        (ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING),
        "Authenticatie", b"\x01", upn=True,
    ),
    CertificateKind.SIGNATURE: KindProfile(
        "2.16.528.1.1007.99.212", ("content_commitment",),
        (ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING), "Handtekening", b"\x02",
    ),
    CertificateKind.CONFIDENTIALITY: KindProfile(
        "2.16.528.1.1007.99.213", ("key_encipherment", "data_encipherment"),
        (ExtendedKeyUsageOID.EMAIL_PROTECTION, ENCRYPTED_FILE_SYSTEM), "Vertrouwelijkheid", b"\x03",
    ),
}
CARD_KINDS: dict[str, tuple[CertificateKind, ...]] = {
    "Z": tuple(CertificateKind), "N": tuple(CertificateKind),
    "M": (CertificateKind.AUTHENTICATION, CertificateKind.CONFIDENTIALITY),
}


def check_text(value: object, error: type[Exception], limit: int = MAX_NAME) -> str:
    """A subject value: text of 1..limit characters, no control characters, no edge spaces."""
    if not isinstance(value, str) or not value.strip() or len(value) > limit or _CONTROL.search(value):
        raise error(repr(value)[:80])
    return value.strip()


def check_digits(value: object, count: int, error: type[Exception]) -> str:
    if not isinstance(value, str) or not re.fullmatch(f"[0-9]{{{count}}}", value):
        raise error(repr(value)[:40])
    return value


@dataclass(frozen=True)
class CardHolder:
    """Who a test UZI-pas is for; every field is checked when made, so a bad card is never issued."""

    card_type: str
    name: str
    uzi_number: str
    ura: str
    organisation: str | None = None
    role: str | None = None
    agb: str = NO_AGB
    given_name: str | None = None
    surname: str | None = None
    title: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.card_type not in CARD_TYPES:
            raise CardTypeInvalid(repr(self.card_type)[:20])
        set_ = object.__setattr__
        set_(self, "name", check_text(self.name, NameInvalid))
        set_(self, "uzi_number", check_digits(self.uzi_number, 9, UziNumberInvalid))
        set_(self, "ura", check_digits(self.ura, 8, UraInvalid))
        set_(self, "agb", check_digits(self.agb, 8, AgbInvalid))
        organisation = self.organisation if self.organisation is not None else f"Zorginstelling {self.ura}"
        set_(self, "organisation", check_text(organisation, OrganisationInvalid))
        set_(self, "role", _check_role(self.card_type, self.role))
        if self.card_type == "Z":
            set_(self, "title", TITLES[self.role[:2]])
        self._set_names()

    def _set_names(self) -> None:
        """GN and SN of a card on name (Z, N): given, or split from the full name at its first space."""
        if self.card_type == "M":
            if self.given_name is not None or self.surname is not None:
                raise NameInvalid("card type M carries no given name or surname")
            return
        parts = self.name.split(None, 1)
        given = self.given_name if self.given_name is not None else parts[0]
        surname = self.surname if self.surname is not None else (parts[1] if len(parts) == 2 else None)
        if surname is None:
            raise NameInvalid(f"{self.name!r} has no surname: give the full name, or --surname"[:120])
        object.__setattr__(self, "given_name", check_text(given, NameInvalid))
        object.__setattr__(self, "surname", check_text(surname, NameInvalid))

    def other_name(self, ca_oid: str = TEST_CARD_CA_OID) -> str:
        """``<CA OID>-<version>-<UZI number>-<card type>-<URA>-<role>-<AGB>`` (docs/uzi.md)."""
        return "-".join((ca_oid, VERSION, self.uzi_number, self.card_type, self.ura, self.role, self.agb))

    def subject(self) -> x509.Name:
        """The subject in the real card's attribute order."""
        attributes = [(NameOID.COUNTRY_NAME, "NL"), (NameOID.ORGANIZATION_NAME, self.organisation)]
        if self.title:
            attributes.append((NameOID.TITLE, self.title))
        if self.card_type in ("Z", "N"):
            attributes += [(NameOID.SURNAME, self.surname), (NameOID.GIVEN_NAME, self.given_name)]
        attributes += [(NameOID.SERIAL_NUMBER, self.uzi_number), (NameOID.COMMON_NAME, self.name)]
        return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def _check_role(card_type: str, role: str | None) -> str:
    """Z cards carry a known beroep (default 01.015, huisarts); N and M cards carry 00.000 (docs/uzi.md)."""
    if card_type != "Z":
        if role not in (None, NO_ROLE):
            raise RoleInvalid(f"card type {card_type} carries {NO_ROLE}, not {role!r}"[:80])
        return NO_ROLE
    role = DEFAULT_Z_ROLE if role is None else role
    if not isinstance(role, str) or not _ROLE.fullmatch(role) or role[:2] not in TITLES:
        raise RoleInvalid(repr(role)[:40])
    return role


def ia5_string(text: str) -> bytes:
    return core.IA5String(text).dump()


def utf8_string(text: str) -> bytes:
    return core.UTF8String(text).dump()


class _PermanentIdentifier(core.Sequence):
    """RFC 4043 §2: PermanentIdentifier ::= SEQUENCE { identifierValue UTF8String OPTIONAL, assigner OID OPTIONAL }."""

    _fields = [
        ("identifier_value", core.UTF8String, {"optional": True}),
        ("assigner", core.ObjectIdentifier, {"optional": True}),
    ]


def permanent_identifier(value: str, assigner: str = URA_ASSIGNER) -> bytes:
    return _PermanentIdentifier({"identifier_value": value, "assigner": assigner}).dump()


def key_usage(*names: str) -> x509.KeyUsage:
    flags = dict.fromkeys(
        ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
         "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False,
    )
    flags.update(dict.fromkeys(names, True))
    return x509.KeyUsage(**flags)


def policies(policy: str) -> x509.CertificatePolicies:
    notice = x509.UserNotice(notice_reference=None, explicit_text=USER_NOTICE)
    return x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(policy), [notice])])


def leaf_builder(
    subject: x509.Name, san: list[x509.GeneralName], public_key, issuer: x509.Certificate,
    window: tuple[dt.datetime, dt.datetime],
) -> x509.CertificateBuilder:
    """The parts every UZI holder certificate shares, in the real certificate's extension order up to the
    policies; :func:`finish` adds certificatePolicies, [CDP], keyUsage and EKU."""
    issuer_ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(issuer.subject).public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(window[0]).not_valid_after(window[1])
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski), critical=False)
    )


def finish(
    builder: x509.CertificateBuilder, policy: str, usages: tuple[str, ...],
    ekus: tuple[x509.ObjectIdentifier, ...], crl_url: str | None,
) -> x509.CertificateBuilder:
    builder = builder.add_extension(policies(policy), critical=False)
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    builder = builder.add_extension(key_usage(*usages), critical=True)
    return builder.add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=False)


def card_builder(
    holder: CardHolder, kind: CertificateKind, public_key, issuer: x509.Certificate,
    window: tuple[dt.datetime, dt.datetime], crl_url: str | None = None,
) -> x509.CertificateBuilder:
    """A card certificate of ``kind`` for ``holder``, ready to be signed by ``issuer``'s key."""
    if kind not in CARD_KINDS[holder.card_type]:
        raise CardTypeInvalid(f"card type {holder.card_type} has no {kind} certificate")
    profile = PROFILES[kind]
    san: list[x509.GeneralName] = []
    if profile.upn:
        san.append(x509.OtherName(UPN, utf8_string(f"{holder.uzi_number}@{holder.ura}")))
    san.append(x509.OtherName(UZI_OTHER_NAME, ia5_string(holder.other_name())))
    builder = leaf_builder(holder.subject(), san, public_key, issuer, window)
    return finish(builder, profile.policy, profile.key_usages, profile.extended_key_usages, crl_url)
