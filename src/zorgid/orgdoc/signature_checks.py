"""What the signature of an organisation document must look like before any cryptography is done.

R-FLOW-APPLY step 3: "exactly one enveloped signature whose reference covers the whole document", allowed
algorithms only. Checked on the parsed document, each with its own code:

* exactly one ``ds:Signature`` anywhere (none: ZID-XML-SIGNATURE-MISSING; more: ZID-XML-SIGNATURE-COUNT);
* it is the last child of the root ``<Organisatie>`` (an enveloping or nested signature:
  ZID-XML-SIGNATURE-SCOPE), and conforms to the XMLDSig schema (ZID-XML-SIGNATURE-MALFORMED);
* SignedInfo has one Reference, ``URI=""`` (XMLDSig 1.1 §4.4.3.3: the whole document without comments), with
  the enveloped-signature transform (§6.6.4) and otherwise only canonicalisation transforms (§6.6.1), and
  the Signature carries no ``ds:Object`` (an enveloped signature has nothing to envelop); anything else,
  such as ``URI="#id"`` or an external URI (a detached signature), is ZID-XML-SIGNATURE-SCOPE;
* the signature, digest and canonicalisation algorithms are on the allowed lists (SHA-1 in any of them:
  ZID-XML-SHA1; anything else: ZID-XML-ALGORITHM), and so is the key: RSA of 2048 bits or more, or ECDSA
  on P-256, P-384 or P-521;
* KeyInfo/X509Data holds exactly one end-entity certificate (ZID-XML-CERTIFICATE-COUNT); CA certificates
  beside it (at most four) only help to build the chain, they are never trusted for being there.

These checks are policy and early, clear answers. Safety against signature wrapping rests on the
verification using only the content signxml returns as signed (verification.py).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLVerifier
from signxml.exceptions import SignXMLException

from .errors import (
    AlgorithmRefused,
    CertificateCount,
    CertificateUnreadable,
    Sha1Refused,
    SignatureCount,
    SignatureMalformed,
    SignatureMissing,
    SignatureScope,
)
from .schema import DS_NAMESPACE, SIGNATURE_TAG, hardened_parser

DS = {"ds": DS_NAMESPACE}
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SIGNATURE_METHODS = frozenset({
    SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512,
    SignatureMethod.SHA256_RSA_MGF1, SignatureMethod.SHA384_RSA_MGF1, SignatureMethod.SHA512_RSA_MGF1,
    SignatureMethod.SHA3_256_RSA_MGF1, SignatureMethod.SHA3_384_RSA_MGF1, SignatureMethod.SHA3_512_RSA_MGF1,
    SignatureMethod.ECDSA_SHA256, SignatureMethod.ECDSA_SHA384, SignatureMethod.ECDSA_SHA512,
    SignatureMethod.ECDSA_SHA3_256, SignatureMethod.ECDSA_SHA3_384, SignatureMethod.ECDSA_SHA3_512,
})
DIGEST_ALGORITHMS = frozenset({
    DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512,
    DigestAlgorithm.SHA3_256, DigestAlgorithm.SHA3_384, DigestAlgorithm.SHA3_512,
})
CANONICALISATIONS = frozenset(CanonicalizationMethod)
MIN_RSA_BITS = 2048
EC_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)
MAX_CA_CERTIFICATES = 4


@dataclass(frozen=True)
class SignatureProfile:
    """The algorithms a signature declares, all of them allowed."""

    signature_method: SignatureMethod
    digest_algorithm: DigestAlgorithm
    canonicalisation: CanonicalizationMethod


def find_signature(root: etree._Element) -> etree._Element:
    """The one ds:Signature, the last element inside the root."""
    if root.tag == SIGNATURE_TAG:
        raise SignatureScope("an enveloping signature: ds:Signature is the root element")
    signatures = list(root.iter(SIGNATURE_TAG))
    if not signatures:
        raise SignatureMissing()
    if len(signatures) > 1:
        raise SignatureCount(f"{len(signatures)} signatures")
    signature = signatures[0]
    children = list(root.iterchildren(tag=etree.Element))
    if signature.getparent() is not root or children[-1] is not signature:
        raise SignatureScope("ds:Signature is not the last element inside the root element")
    return signature


def check_signature_schema(signature: etree._Element) -> None:
    """The Signature element conforms to the XMLDSig schema (the one signxml ships)."""
    copy = etree.fromstring(etree.tostring(signature), hardened_parser())
    try:
        XMLVerifier().validate_schema(copy)
    except (etree.DocumentInvalid, SignXMLException) as exc:
        raise SignatureMalformed(str(exc)[:300]) from exc


def check_signed_info(signature: etree._Element) -> SignatureProfile:
    """One Reference to the whole document, enveloped, with allowed algorithms; no ds:Object."""
    signed_info = signature.find("ds:SignedInfo", DS)
    c14n = _allowed(signed_info.find("ds:CanonicalizationMethod", DS), CanonicalizationMethod, CANONICALISATIONS)
    method = _allowed(signed_info.find("ds:SignatureMethod", DS), SignatureMethod, SIGNATURE_METHODS)
    references = signed_info.findall("ds:Reference", DS)
    if len(references) != 1:
        raise SignatureScope(f"{len(references)} references; exactly one, with URI=\"\", is allowed")
    reference = references[0]
    if reference.get("URI") != "":
        raise SignatureScope(f"Reference URI={reference.get('URI')!r}; only URI=\"\" (the whole document)")
    _check_transforms(reference)
    digest = _allowed(reference.find("ds:DigestMethod", DS), DigestAlgorithm, DIGEST_ALGORITHMS)
    if signature.find("ds:Object", DS) is not None:
        raise SignatureScope("the signature carries a ds:Object")
    return SignatureProfile(method, digest, c14n)


def _check_transforms(reference: etree._Element) -> None:
    algorithms = [t.get("Algorithm") or "" for t in reference.findall("ds:Transforms/ds:Transform", DS)]
    for algorithm in algorithms:
        if algorithm != ENVELOPED and algorithm not in {m.value for m in CANONICALISATIONS}:
            raise _refusal(algorithm, f"transform {algorithm[:100]!r} is not allowed")
    if algorithms.count(ENVELOPED) != 1:
        raise SignatureScope("the Reference lacks the enveloped-signature transform")


def _allowed(element: etree._Element | None, kind, allowed: frozenset):
    uri = element.get("Algorithm") if element is not None else None
    try:
        member = kind(uri)
    except (ValueError, SignXMLException):
        member = None
    if member not in allowed:
        raise _refusal(uri or "", f"{kind.__name__} {str(uri)[:100]!r} is not allowed")
    return member


def _refusal(uri: str, detail: str) -> Exception:
    return Sha1Refused(detail) if "sha1" in uri.lower() else AlgorithmRefused(detail)


def signing_certificates(signature: etree._Element) -> tuple[x509.Certificate, tuple[x509.Certificate, ...]]:
    """The one end-entity certificate in KeyInfo, and the CA certificates beside it."""
    values = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", DS)
    certificates = [_load(value.text or "") for value in values]
    leaves = [cert for cert in certificates if not _is_ca(cert)]
    authorities = tuple(cert for cert in certificates if _is_ca(cert))
    if len(leaves) != 1 or len(authorities) > MAX_CA_CERTIFICATES:
        raise CertificateCount(f"{len(leaves)} signing certificates, {len(authorities)} CA certificates")
    check_key_strength(leaves[0])
    return leaves[0], authorities


def check_key_strength(certificate: x509.Certificate) -> None:
    """RSA of at least 2048 bits, or ECDSA on a NIST prime curve of 256 bits or more."""
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= MIN_RSA_BITS:
        return
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, EC_CURVES):
        return
    raise AlgorithmRefused(f"the certificate's key ({type(key).__name__}, {getattr(key, 'key_size', '?')} bits)")


def _load(text: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(text.split()), validate=True))
    except (binascii.Error, ValueError) as exc:
        raise CertificateUnreadable(f"X509Certificate: {exc}"[:300]) from exc


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False
    except ValueError as exc:
        raise CertificateUnreadable(f"certificate extensions: {exc}"[:300]) from exc
