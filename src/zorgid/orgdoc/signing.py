"""Signing the organisation document with the UZI server certificate (R-CRED-UZISERVER, R-FLOW-APPLY step 2).

The signature is an enveloped XML signature (XMLDSig 1.1 §6.6.4, the enveloped-signature transform) as
the last child of ``<Organisatie>``: one Reference with ``URI=""`` (the whole document, §4.4.3.3),
exclusive canonicalisation (Exclusive XML Canonicalization 1.0), SHA-256 or stronger digests, RSA-SHA256
by default (RFC 9231, rsa-sha256), and the certificate in ``KeyInfo/X509Data`` (§4.5.4) so the server can
find the signer without another channel. That is exactly the shape ``verification.verify_document``
accepts, so what ``sign`` makes always passes the server's structural checks.

The key may be anything ``signxml`` can sign with: a ``cryptography`` private key (PEM, PKCS#12) or a
:class:`~zorgid.orgdoc.pkcs11_key.TokenKey` that signs inside a PKCS#11 token. Before signing, the
document must be complete and schema-valid, and the certificate a UZI server certificate (card type S) of
the document's URA; after signing, the signature is verified once with the certificate's public key, so
a key that does not belong to the certificate is reported here rather than by the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import SignXMLException

from zorgid.pki.uzi import read_uzi_certificate
from zorgid.pki.uzi.validation import check_validity

from .document import build, read_draft, require_complete
from .errors import CertificateType, CertificateUnreadable, UraMismatch
from .key_errors import KeyMismatch, KeyUnreadable
from .parsing import parse_untrusted
from .schema import hardened_parser, validate

MAX_KEY_FILE_BYTES = 1024 * 1024

# The algorithms the Validatietool offers: (SignatureMethod, DigestAlgorithm), named as on its command line.
ALGORITHMS: dict[str, tuple[SignatureMethod, DigestAlgorithm]] = {
    "rsa-sha256": (SignatureMethod.RSA_SHA256, DigestAlgorithm.SHA256),
    "rsa-sha384": (SignatureMethod.RSA_SHA384, DigestAlgorithm.SHA384),
    "rsa-sha512": (SignatureMethod.RSA_SHA512, DigestAlgorithm.SHA512),
    "rsa-pss-sha256": (SignatureMethod.SHA256_RSA_MGF1, DigestAlgorithm.SHA256),
    "rsa-pss-sha384": (SignatureMethod.SHA384_RSA_MGF1, DigestAlgorithm.SHA384),
    "rsa-pss-sha512": (SignatureMethod.SHA512_RSA_MGF1, DigestAlgorithm.SHA512),
    "ecdsa-sha256": (SignatureMethod.ECDSA_SHA256, DigestAlgorithm.SHA256),
    "ecdsa-sha384": (SignatureMethod.ECDSA_SHA384, DigestAlgorithm.SHA384),
    "ecdsa-sha512": (SignatureMethod.ECDSA_SHA512, DigestAlgorithm.SHA512),
}


@dataclass(frozen=True)
class SigningMaterial:
    """A private key (in software or on a token), its certificate, and CA certificates that came with it."""

    key: object
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


def sign(
    xml_bytes: bytes, key: object, certificate: x509.Certificate, chain: Sequence[x509.Certificate] = (), *,
    algorithm: str | None = None, at: dt.datetime | None = None,
) -> bytes:
    """The completed document, signed; ``chain`` (CA certificates) goes into KeyInfo after the certificate.

    What is signed is the document rebuilt from its fields (``build``), so the stray whitespace or comments
    of a hand-edited file never become part of what the organisation vouches for. ``at`` (default now) is
    the moment the certificate must be valid: tests sign with expired certificates by passing a past one."""
    doc = require_complete(read_draft(xml_bytes))
    at = at or dt.datetime.now(dt.UTC)
    check_signing_certificate(certificate, doc.ura, at)
    check_key_matches(key, certificate)
    method, digest = _algorithm(algorithm, certificate)
    root = parse_untrusted(build(doc))
    validate(root)
    signer = XMLSigner(signature_algorithm=method, digest_algorithm=digest,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signed = signer.sign(root, key=key, cert=[certificate, *chain])
    data = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    _self_check(data, certificate, at)
    return data


def check_signing_certificate(certificate: x509.Certificate, ura: str, at: dt.datetime) -> None:
    """A UZI server certificate (card type S) of ``ura``, valid now: the server would refuse anything else."""
    attributes = read_uzi_certificate(certificate)
    if attributes.card_type != "S":
        raise CertificateType(f"pastype {attributes.card_type} ({attributes.common_name})"[:200])
    if attributes.ura != ura:
        raise UraMismatch(f"certificaat URA {attributes.ura}, document URA {ura}")
    check_validity(certificate, at, "UZI server certificate")


def check_key_matches(key: object, certificate: x509.Certificate) -> None:
    """A software key must be the certificate's; a token key is checked by the signature's self-check."""
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) and _spki(key.public_key()) != _spki(
            certificate.public_key()):
        raise KeyMismatch()


def _spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _algorithm(name: str | None, certificate: x509.Certificate) -> tuple[SignatureMethod, DigestAlgorithm]:
    """The named algorithm, or RSA-SHA256 / ECDSA-SHA256 after the certificate's key type."""
    if name is None:
        name = "ecdsa-sha256" if isinstance(certificate.public_key(), ec.EllipticCurvePublicKey) else "rsa-sha256"
    if name not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}")
    return ALGORITHMS[name]


def _self_check(data: bytes, certificate: x509.Certificate, at: dt.datetime) -> None:
    """Verify what was just signed with the certificate's key: a wrong key on a token shows here."""
    config = SignatureConfiguration(location="./", verification_time=at)
    try:
        XMLVerifier().verify(data, x509_cert=certificate, parser=hardened_parser(), expect_config=config)
    except (SignXMLException, etree.LxmlError) as exc:
        raise KeyMismatch(f"the new signature does not verify with the certificate: {exc}"[:300]) from exc


def load_pem_files(cert_path: Path, key_path: Path, password: str | None = None) -> SigningMaterial:
    """The certificate (the first in the file; the others are its chain) and the PEM private key."""
    certificates = _certificates(_read(cert_path, CertificateUnreadable))
    try:
        key = serialization.load_pem_private_key(_read(key_path, KeyUnreadable), _password(password))
    except (ValueError, TypeError) as exc:
        raise KeyUnreadable(f"{key_path}: {exc}"[:300]) from exc
    return SigningMaterial(_usable_key(key), certificates[0], tuple(certificates[1:]))


def load_pkcs12_file(path: Path, password: str | None) -> SigningMaterial:
    """Key, certificate and chain from a PKCS#12 file (.p12, .pfx)."""
    try:
        loaded = pkcs12.load_pkcs12(_read(path, KeyUnreadable), _password(password))
    except (ValueError, TypeError) as exc:
        raise KeyUnreadable(f"{path}: wrong password or not a PKCS#12 file"[:300]) from exc
    if loaded.key is None or loaded.cert is None:
        raise KeyUnreadable(f"{path}: holds no private key with its certificate")
    chain = tuple(item.certificate for item in loaded.additional_certs)
    return SigningMaterial(_usable_key(loaded.key), loaded.cert.certificate, chain)


def load_certificate_file(path: Path) -> x509.Certificate:
    """One certificate from a PEM or DER file (the first, if it holds a chain)."""
    return _certificates(_read(path, CertificateUnreadable))[0]


def _certificates(data: bytes) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise CertificateUnreadable(f"not a PEM or DER certificate: {exc}"[:300]) from exc


def _read(path: Path, error: type[Exception]) -> bytes:
    try:
        path = Path(path)
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            raise error(f"{path} is larger than {MAX_KEY_FILE_BYTES} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: {exc.strerror or exc}") from exc


def _password(password: str | None) -> bytes | None:
    return password.encode("utf-8") if password else None


def _usable_key(key: object) -> object:
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyUnreadable(f"{type(key).__name__} keys cannot sign the document; use RSA or ECDSA")
    return key
