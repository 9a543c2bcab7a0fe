"""Reading the UZI attributes of a certificate (R-CRED-UZI; docs/uzi.md "UZI certificates", CPS §7.1).

The subject holds C, O, CN and serialNumber (the UZI number); Z and N cards also GN and SN, Z cards a
``title``, server certificates ST and L. subjectAltName holds the otherName 2.5.5.5 with the seven UZI
fields, on authentication certificates a Microsoft UPN ``<UZI number>@<URA>``, and on server
certificates since 8-11-2023 a permanentIdentifier (the URA, assigner 2.16.528.1.1007.3.3).

Reading checks the form of every field and that the fields agree with each other; it does not decide
trust. ``validation.validate_uzi_certificate`` does that and returns these same attributes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from . import der
from .errors import UziMalformed, UziNotUzi
from .loading import load_certificate
from .othername import (
    PERMANENT_IDENTIFIER_OID,
    UPN_OID,
    URA_ASSIGNER,
    UZI_OTHER_NAME_OID,
    UziOtherName,
    parse_uzi_other_name,
)
from .roles import role_name

__all__ = ["UziAttributes", "load_certificate", "read_uzi_certificate"]


@dataclass(frozen=True)
class UziAttributes:
    """What a UZI certificate says about its holder. ``serial_number`` is the certificate's, in hex."""

    uzi_number: str
    card_type: str
    ura: str
    role: str
    role_name: str
    agb: str
    ca_oid: str
    version: str
    common_name: str
    organisation: str
    given_name: str | None
    surname: str | None
    title: str | None
    upn: str | None
    permanent_identifier: str | None
    serial_number: str
    not_valid_before: dt.datetime
    not_valid_after: dt.datetime


def read_uzi_certificate(cert: x509.Certificate) -> UziAttributes:
    """The UZI attributes of ``cert``; UziNotUzi without otherName 2.5.5.5, UziMalformed for a bad field."""
    other_names = _other_names(cert)
    uzi = _uzi_other_name(other_names)
    subject = _Subject(cert.subject)
    serial = subject.get(NameOID.SERIAL_NUMBER, "serialNumber", required=True)
    if serial != uzi.uzi_number:
        raise UziMalformed(f"subject serialNumber {serial!r} differs from the otherName's UZI number")
    named = uzi.card_type in ("Z", "N")
    return UziAttributes(
        uzi_number=uzi.uzi_number, card_type=uzi.card_type, ura=uzi.ura, role=uzi.role,
        role_name=role_name(uzi.role), agb=uzi.agb, ca_oid=uzi.ca_oid, version=uzi.version,
        common_name=subject.get(NameOID.COMMON_NAME, "commonName", required=True),
        organisation=subject.get(NameOID.ORGANIZATION_NAME, "organizationName", required=True),
        given_name=subject.get(NameOID.GIVEN_NAME, "givenName", required=named),
        surname=subject.get(NameOID.SURNAME, "surname", required=named),
        title=subject.get(NameOID.TITLE, "title"),
        upn=_upn(other_names, uzi),
        permanent_identifier=_permanent_identifier(other_names, uzi),
        serial_number=f"{cert.serial_number:X}",
        not_valid_before=cert.not_valid_before_utc,
        not_valid_after=cert.not_valid_after_utc,
    )


class _Subject:
    """Subject attributes, each present at most once and never empty."""

    def __init__(self, name: x509.Name) -> None:
        self._name = name

    def get(self, oid: x509.ObjectIdentifier, field: str, required: bool = False) -> str | None:
        values = self._name.get_attributes_for_oid(oid)
        if len(values) > 1:
            raise UziMalformed(f"subject {field} occurs {len(values)} times")
        if not values:
            if required:
                raise UziMalformed(f"subject {field} is missing")
            return None
        value = values[0].value
        if not isinstance(value, str) or not value.strip():
            raise UziMalformed(f"subject {field} is empty or not text")
        return value


def _other_names(cert: x509.Certificate) -> list[x509.OtherName]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound as exc:
        raise UziNotUzi("certificate has no subjectAltName") from exc
    except (ValueError, x509.UnsupportedGeneralNameType) as exc:
        raise UziMalformed(f"certificate extensions cannot be read: {exc}") from exc
    return san.get_values_for_type(x509.OtherName)


def _only(other_names: list[x509.OtherName], oid: x509.ObjectIdentifier, field: str) -> bytes | None:
    """The raw DER value of the one otherName of type ``oid``, None if absent; more than one is refused."""
    values = [name.value for name in other_names if name.type_id == oid]
    if len(values) > 1:
        raise UziMalformed(f"subjectAltName has {len(values)} {field} otherNames")
    return values[0] if values else None


def _uzi_other_name(other_names: list[x509.OtherName]) -> UziOtherName:
    raw = _only(other_names, UZI_OTHER_NAME_OID, "2.5.5.5")
    if raw is None:
        raise UziNotUzi("subjectAltName has no otherName 2.5.5.5")
    try:
        text = der.ia5_string(raw)
    except ValueError as exc:
        raise UziMalformed(f"otherName 2.5.5.5 is not a DER IA5String: {exc}") from exc
    return parse_uzi_other_name(text)


def _upn(other_names: list[x509.OtherName], uzi: UziOtherName) -> str | None:
    """The UPN of an authentication certificate, which must read ``<UZI number>@<URA>`` (docs/uzi.md)."""
    raw = _only(other_names, UPN_OID, "UPN")
    if raw is None:
        return None
    try:
        upn = der.utf8_string(raw)
    except ValueError as exc:
        raise UziMalformed(f"UPN otherName is not a DER UTF8String: {exc}") from exc
    if upn != f"{uzi.uzi_number}@{uzi.ura}":
        raise UziMalformed(f"UPN {upn!r} is not <UZI number>@<URA>")
    return upn


def _permanent_identifier(other_names: list[x509.OtherName], uzi: UziOtherName) -> str | None:
    """A server certificate's permanentIdentifier: the URA, assigned by 2.16.528.1.1007.3.3 (docs/uzi.md)."""
    raw = _only(other_names, PERMANENT_IDENTIFIER_OID, "permanentIdentifier")
    if raw is None:
        return None
    try:
        value, assigner = der.permanent_identifier(raw)
    except ValueError as exc:
        raise UziMalformed(f"permanentIdentifier is not valid DER: {exc}") from exc
    if value != uzi.ura or assigner != URA_ASSIGNER:
        raise UziMalformed(f"permanentIdentifier {value!r} (assigner {assigner}) is not the URA")
    return value
