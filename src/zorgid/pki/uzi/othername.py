"""The UZI otherName 2.5.5.5 and its companions in subjectAltName (docs/uzi.md "UZI certificates"; CPS §7.1).

The 2.5.5.5 value is ``[0] EXPLICIT IA5String`` with seven fields joined by ``-``::

    <CA OID>-<version>-<UZI number>-<card type>-<subscriber number = URA>-<role>-<AGB>
    2.16.528.1.1007.99.217-1-900016528-Z-90000382-01.000-00000000

Each field is checked strictly: a UZI number of 9 ASCII digits, a URA and an AGB of 8, a card type of
Z, N, M or S, a role NN.NNN (a beroep on Z cards, ``00.000`` on N, M and S), version ``1`` and a dotted
CA OID. No check digits are documented for these numbers, so none is invented (docs/uzi.md "Identifiers").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509

from .errors import UziMalformed
from .numbers import Ura, UziNumber
from .roles import NO_ROLE, check_role_code

UZI_OTHER_NAME_OID = x509.ObjectIdentifier("2.5.5.5")
UPN_OID = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
PERMANENT_IDENTIFIER_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.8.3")
URA_ASSIGNER = "2.16.528.1.1007.3.3"

CARD_TYPES: dict[str, str] = {
    "Z": "zorgverlenerpas",
    "N": "medewerkerpas op naam",
    "M": "medewerkerpas niet op naam",
    "S": "servercertificaat",
}
VERSION = "1"
# zorgid's own OID arc (ITU-T X.667: an OID 2.25.<UUID> needs no registration) and the CA OID field of a ZORG-ID
# Smartcard's otherName in each environment: the otherName tells a ZORG-ID Smartcard from a UZI-pas (docs/uzi.md)
ZORGID_OID_ARC = "2.25.188198388887220865420145619351070385292"
ZORGID_SMARTCARD_CA_OIDS: dict[str, str] = {"productie": f"{ZORGID_OID_ARC}.1.1", "acceptatie": f"{ZORGID_OID_ARC}.1.2"}
ZORGID_SMARTCARD = "ZORG-ID Smartcard"
_DOTTED_OID = re.compile(r"[0-2](\.(0|[1-9][0-9]*))+")
_FIELDS = {
    "uzi_number": UziNumber.PATTERN,
    "ura": Ura.PATTERN,
    "agb": re.compile(r"[0-9]{8}"),
}


@dataclass(frozen=True)
class UziOtherName:
    """The seven fields of a UZI otherName 2.5.5.5; ``str()`` gives the value a certificate carries."""

    ca_oid: str
    version: str
    uzi_number: str
    card_type: str
    ura: str
    role: str
    agb: str

    def __post_init__(self) -> None:
        _check_fields(self)

    def __str__(self) -> str:
        return "-".join((self.ca_oid, self.version, self.uzi_number, self.card_type, self.ura, self.role, self.agb))


def _check_fields(value: UziOtherName) -> None:
    """Refuse any field that is not what CPS §7.1 prescribes, naming the field."""
    for field in (*_FIELDS, "ca_oid", "version", "card_type", "role"):
        if not isinstance(getattr(value, field), str):
            raise UziMalformed(f"otherName field {field} is not text")
    for field, pattern in _FIELDS.items():
        if not pattern.fullmatch(getattr(value, field)):
            raise UziMalformed(f"otherName field {field} {getattr(value, field)!r} is not {pattern.pattern}")
    if not _DOTTED_OID.fullmatch(value.ca_oid):
        raise UziMalformed(f"otherName field ca_oid {value.ca_oid!r} is not a dotted OID")
    if value.version != VERSION:
        raise UziMalformed(f"otherName field version {value.version!r} is not {VERSION!r}")
    if value.card_type not in CARD_TYPES:
        raise UziMalformed(f"otherName field card_type {value.card_type!r} is not one of Z, N, M, S")
    check_role_code(value.role)
    if value.card_type == "Z" and value.role.startswith("00."):
        raise UziMalformed(f"otherName field role {value.role!r}: a Z card carries a beroep")
    if value.card_type != "Z" and value.role != NO_ROLE:
        raise UziMalformed(f"otherName field role {value.role!r}: card type {value.card_type} carries {NO_ROLE}")


def parse_uzi_other_name(text: str) -> UziOtherName:
    """Split and check the text of an otherName 2.5.5.5 value."""
    parts = text.split("-")
    if len(parts) != 7:
        raise UziMalformed(f"otherName 2.5.5.5 has {len(parts)} fields, expected 7")
    return UziOtherName(*parts)


def is_zorgid_smartcard(ca_oid: str) -> bool:
    """Whether an otherName's CA OID is that of a ZORG-ID Smartcard (zorgid's own CA, either environment)."""
    return ca_oid in ZORGID_SMARTCARD_CA_OIDS.values()
