"""Recognising a UZI-pas by its authentication certificate (docs/uzi.md "UZI certificates").

The Desktop App only has to *find* the card; whether the certificate is trusted is the server's decision
(trust store, chain, policy, revocation). A card counts as a UZI-pas when it holds a certificate with
keyUsage digitalSignature and not nonRepudiation (so not the signature certificate) and a subjectAltName
otherName 2.5.5.5; from that otherName (``<CA OID>-1-<UZI>-<type>-<URA>-<role>-<AGB>``) and the subject
come the UZI number, card type and name shown to the holder and to IT staff.

A ZORG-ID Smartcard (docs/uzi.md "ZORG-ID Smartcard") has the same shape, issued by "zorgid <environment>
Smartcard CA": its otherName's CA OID lies in zorgid's own arc, which is what tells it from a UZI-pas. The
Desktop App may not import zorgid.pki (docs/architecture.md, layers), so the arc is repeated here and a test
holds it equal to ``zorgid.pki.uzi.othername.ZORGID_SMARTCARD_CA_OIDS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from ..terminal import tr

UZI_OTHER_NAME = x509.ObjectIdentifier("2.5.5.5")
IA5_STRING = 0x16
CARD_TYPES = {"Z": "zorgverlenerpas", "N": "medewerkerpas op naam", "M": "medewerkerpas niet op naam",
              "S": "servercertificaat"}
CARD_TYPES_EN = {"Z": "healthcare professional card", "N": "named employee card", "M": "unnamed employee card",
                 "S": "server certificate"}
ZORGID_OID_ARC = "2.25.188198388887220865420145619351070385292"  # as zorgid.pki.uzi.othername
ZORGID_SMARTCARD_CA_OID_PREFIX = f"{ZORGID_OID_ARC}.1."  # .1.1 productie, .1.2 acceptatie
SMARTCARD = "ZORG-ID Smartcard"


@dataclass(frozen=True)
class CardIdentity:
    """What the card says about its holder, for display only."""

    uzi_number: str
    card_type: str
    ura: str
    role: str
    name: str
    ca_oid: str = ""

    @property
    def card_type_name(self) -> str:
        return CARD_TYPES.get(self.card_type, "onbekend pastype")

    def card_type_text(self) -> str:
        """The card type's name in the language of this run."""
        return tr(self.card_type_name, CARD_TYPES_EN.get(self.card_type, "unknown card type"))

    @property
    def is_smartcard(self) -> bool:
        """A ZORG-ID Smartcard (its CA OID in zorgid's arc), not a UZI-pas."""
        return self.ca_oid.startswith(ZORGID_SMARTCARD_CA_OID_PREFIX)

    @property
    def kind(self) -> str:
        """What the holder calls the card: "ZORG-ID Smartcard" or "UZI-pas"."""
        return SMARTCARD if self.is_smartcard else "UZI-pas"

    @property
    def kind_en(self) -> str:
        """:attr:`kind` in English."""
        return SMARTCARD if self.is_smartcard else "UZI card"


def ia5_string(raw: bytes) -> str | None:
    """The text of a DER IA5String (``0x16 len bytes``), or None when ``raw`` is not exactly one."""
    if len(raw) < 2 or raw[0] != IA5_STRING:
        return None
    length, offset = raw[1], 2
    if length & 0x80:
        count = length & 0x7F
        if count not in (1, 2) or len(raw) < 2 + count:
            return None
        length, offset = int.from_bytes(raw[2:2 + count], "big"), 2 + count
    body = raw[offset:]
    if len(body) != length or any(byte > 0x7F for byte in body):
        return None
    return body.decode("ascii")


def card_identity(cert: x509.Certificate) -> CardIdentity | None:
    """The UZI fields of ``cert``, or None if it has no readable otherName 2.5.5.5."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [n.value for n in san.get_values_for_type(x509.OtherName) if n.type_id == UZI_OTHER_NAME]
        common = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except (x509.ExtensionNotFound, ValueError, x509.UnsupportedGeneralNameType):
        return None
    text = ia5_string(names[0]) if len(names) == 1 else None
    parts = text.split("-") if text else []
    if len(parts) != 7:
        return None
    name = str(common[0].value) if common else ""
    return CardIdentity(uzi_number=parts[2], card_type=parts[3], ura=parts[4], role=parts[5], name=name,
                        ca_oid=parts[0])


def is_authentication_certificate(cert: x509.Certificate) -> bool:
    """digitalSignature without nonRepudiation and a card's UZI otherName: the authentication certificate."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except (x509.ExtensionNotFound, ValueError):
        return False
    if not usage.digital_signature or usage.content_commitment:
        return False
    identity = card_identity(cert)
    return identity is not None and identity.card_type != "S"  # a server certificate is no card
