"""Verifying a signed organisation document (R-FLOW-APPLY step 3, R-CRED-UZISERVER, R-SEC-INPUT).

``verify_document`` makes every check that needs no application record, in this order, each refusal
with its own code (the Validatietool's ``verify`` runs exactly these before the document is sent):

1. size bound, no DTD or entities, no processing instructions, well-formed (parsing.py);
2. exactly one signature, the root's last child; its form, its single whole-document Reference and its
   algorithms (signature_checks.py); then the document conforms to the XSD;
3. the signing certificate in KeyInfo: one end-entity certificate with a strong enough key;
4. that certificate: card type S (ZID-XML-CERTIFICATE-TYPE), then trusted, valid and
   not revoked as a UZI server certificate at ``at`` (the UZI codes; zorgid.pki.uzi);
5. the signature itself, by signxml with that certificate passed explicitly (ZID-XML-SIGNATURE-INVALID);
6. the business data, read *only* from what signxml returns as signed (``signed_xml``: the canonical
   bytes that were digested, parsed again), never from the document as received, so no wrapping trick
   can show one thing to the check and another to the reader (W3C XML Signature Best Practices, "check what is
   signed"); that content must conform to the XSD on its own;
7. the URA in the certificate (otherName 2.5.5.5, and permanentIdentifier when present, which must agree)
   is the URA in the document (ZID-XML-URA-MISMATCH).

``check_matches_application`` then compares with the application record (the server's part).

signxml is told to drop the ``xmlns=""`` that lxml's inclusive canonicalisation adds inside a
default-namespace ``<Signature>`` (``excise_empty_xmlns_declarations``),
without which documents signed by xmlsec1 fail. It only affects the bytes signxml computes and then
returns as signed, so what is read is still exactly what was verified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import exceptions as crypto_exceptions
from cryptography import x509
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import SignXMLException

from zorgid.pki.uzi import CrlSource, TrustStore, UziAttributes, read_uzi_certificate, validate_uzi_certificate
from zorgid.pki.uzi.policies import SERVER_SIGNATURE

from .document import OrganisationDocument, parse_signed
from .errors import CertificateType, ContentMismatch, ReferenceMismatch, SignatureInvalid, UraMismatch
from .parsing import MAX_DOCUMENT_BYTES, parse_untrusted
from .schema import hardened_parser, validate
from .signature_checks import (
    SignatureProfile,
    check_signature_schema,
    check_signed_info,
    find_signature,
    signing_certificates,
)


@dataclass(frozen=True)
class VerifiedDocument:
    """A document whose signature verified: what it says, who signed it, and how."""

    document: OrganisationDocument
    signer: UziAttributes
    certificate: x509.Certificate
    signature_method: str
    digest_algorithm: str


def verify_document(
    xml_bytes: bytes, trust_store: TrustStore, at: dt.datetime, *, max_bytes: int = MAX_DOCUMENT_BYTES,
    crls: CrlSource | None = None,
) -> VerifiedDocument:
    """The verified document and its signer; an XmlError or UziError naming the first check that failed."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    root = parse_untrusted(xml_bytes, max_bytes)
    signature = find_signature(root)
    check_signature_schema(signature)
    profile = check_signed_info(signature)
    validate(root)
    certificate, authorities = signing_certificates(signature)
    signer = check_signer(certificate, trust_store, at, authorities, crls)
    signed = verify_signature(bytes(xml_bytes), certificate, profile, at)
    document = parse_signed(signed)
    if signer.ura != document.ura:
        raise UraMismatch(f"certificaat URA {signer.ura}, document URA {document.ura}")
    return VerifiedDocument(document, signer, certificate, profile.signature_method.value,
                            profile.digest_algorithm.value)


def check_signer(
    certificate: x509.Certificate, trust_store: TrustStore, at: dt.datetime,
    authorities: Sequence[x509.Certificate] = (), crls: CrlSource | None = None,
) -> UziAttributes:
    """A UZI server certificate (card type S), trusted for signing at ``at`` (R-CRED-UZISERVER)."""
    attributes = read_uzi_certificate(certificate)
    if attributes.card_type != "S":
        raise CertificateType(f"pastype {attributes.card_type}, UZI-nummer {attributes.uzi_number}")
    return validate_uzi_certificate(certificate, trust_store, at, purpose=SERVER_SIGNATURE,
                                    extra_intermediates=authorities, crls=crls)


def verify_signature(
    xml_bytes: bytes, certificate: x509.Certificate, profile: SignatureProfile, at: dt.datetime
) -> etree._Element:
    """The signed content (the root without its signature, as canonicalised and digested), or SignatureInvalid."""
    config = SignatureConfiguration(
        location="./", expect_references=1, verification_time=at,
        signature_methods=frozenset({profile.signature_method}),
        digest_algorithms=frozenset({profile.digest_algorithm}),
    )
    verifier = XMLVerifier()
    verifier.excise_empty_xmlns_declarations = True
    try:
        result = verifier.verify(xml_bytes, x509_cert=certificate, parser=hardened_parser(), expect_config=config)
    except (SignXMLException, crypto_exceptions.InvalidSignature, etree.LxmlError, ValueError) as exc:
        raise SignatureInvalid(str(exc)[:300] or type(exc).__name__) from exc
    if result.signed_xml is None:
        raise SignatureInvalid("the signed content is not XML")
    return result.signed_xml


def check_matches_application(
    verified: VerifiedDocument, *, reference: str, ura: str, name: str, kvk: str
) -> None:
    """The verified document belongs to the application with these data (R-FLOW-APPLY step 3).

    Names are compared without regard to case and runs of spaces; numbers and the reference exactly."""
    doc = verified.document
    if doc.reference != reference:
        raise ReferenceMismatch(f"document {doc.reference}, aanvraag {reference}")
    if verified.signer.ura != ura:
        raise UraMismatch(f"certificaat URA {verified.signer.ura}, aanvraag URA {ura}")
    if doc.ura != ura:
        raise UraMismatch(f"document URA {doc.ura}, aanvraag URA {ura}")
    differing = [label for label, ours, theirs in (("naam organisatie", doc.name, name), ("KvK-nummer", doc.kvk, kvk))
                 if _comparable(ours) != _comparable(theirs)]
    if differing:
        raise ContentMismatch(", ".join(differing))


def _comparable(text: str) -> str:
    return " ".join(text.split()).casefold()
