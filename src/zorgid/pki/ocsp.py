"""The OCSP responder (RFC 6960; docs/security.md, "Revocation: CRL and OCSP").

Each CA has a delegated responder certificate that it issued itself (OCSPSigning, id-pkix-ocsp-nocheck), valid
for a few days and renewed automatically well before it ends; its key is a file (0600) next to the CA's. An
answer names the certificate's status as recorded in zorgid.pki.models: good, revoked (time and reason; a hold
is revoked with certificateHold) or unknown; the request's nonce is echoed. A request that cannot be read gets
the status malformedRequest, one about a CA that is not ours unauthorized: never an error of the server.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import ocsp

from zorgid import clock
from zorgid.config import write_private_file

from . import certificate_status
from .ca import CertificateAuthority
from .models import CertificateStatus
from .profiles import build, ocsp_responder_profile

MAX_REQUEST_BYTES = 8 * 1024  # one CertID with a nonce is about 100 bytes; a signed request with its chain a few KiB
RESPONDER_DAYS = 4
RENEW_BEFORE = dt.timedelta(days=2)  # a new responder certificate once the current one has less than this left
ANSWER_VALIDITY = dt.timedelta(hours=1)  # nextUpdate of an answer
HASHES = (hashes.SHA1, hashes.SHA256, hashes.SHA384, hashes.SHA512)


@dataclass(frozen=True)
class Responder:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


_responders: dict[str, Responder] = {}
_lock = threading.Lock()


def _files(directory: Path, ca_id: str) -> tuple[Path, Path]:
    return directory / f"ocsp-{ca_id}.key.pem", directory / f"ocsp-{ca_id}.cert.pem"


def _usable(responder: Responder | None, now: dt.datetime) -> bool:
    return responder is not None and responder.certificate.not_valid_after_utc - RENEW_BEFORE > now \
        and responder.certificate.not_valid_before_utc <= now


def _load(directory: Path, ca_id: str) -> Responder | None:
    key_file, cert_file = _files(directory, ca_id)
    if not (key_file.exists() and cert_file.exists()):
        return None
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    return Responder(x509.load_pem_x509_certificate(cert_file.read_bytes()), key)


def _issue(ca: CertificateAuthority, directory: Path, ca_id: str, now: dt.datetime) -> Responder:
    key = ec.generate_private_key(ec.SECP256R1())
    name = ca.issuing.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    certificate = ca.issue(build(ocsp_responder_profile(
        public_key=key.public_key(), common_name=f"{name} OCSP", start=now - dt.timedelta(minutes=5),
        days=RESPONDER_DAYS)))
    certificate_status.record_issued(ca_id, certificate)
    key_file, cert_file = _files(directory, ca_id)
    for path, data in ((key_file, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption())),
                       (cert_file, certificate.public_bytes(serialization.Encoding.PEM))):
        new = path.with_name(f".{path.name}.new")  # replaces the previous one (renewal); readers hold the lock
        new.unlink(missing_ok=True)
        write_private_file(new, data)
        os.replace(new, path)
    return Responder(certificate, key)


def responder(ca_id: str) -> Responder:
    """The CA's responder, issued or renewed first when needed (one process at a time: the CA directory's lock)."""
    now = clock.now()
    with _lock:
        current = _responders.get(ca_id)
        if _usable(current, now):
            return current
        ca, directory = certificate_status.authority(ca_id)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = _load(directory, ca_id)
            if not _usable(current, now):
                current = _issue(ca, directory, ca_id, now)
        _responders[ca_id] = current
        return current


def _key_hash(public_key, algorithm: hashes.HashAlgorithm) -> bytes:
    """The hash of the issuer's public key as CertID has it: over the subjectPublicKey BIT STRING's content."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        raw = public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    elif isinstance(public_key, rsa.RSAPublicKey):
        raw = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    else:
        raise TypeError("unsupported CA key")
    digest = hashes.Hash(algorithm)
    digest.update(raw)
    return digest.finalize()


def _name_hash(name: x509.Name, algorithm: hashes.HashAlgorithm) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(name.public_bytes())
    return digest.finalize()


def issuer_of(request: ocsp.OCSPRequest) -> str | None:
    """The id of our CA that the request's CertID names, or None."""
    for ca_id in certificate_status.AUTHORITIES:
        ca, _ = certificate_status.authority(ca_id)
        algorithm = request.hash_algorithm
        if (request.issuer_name_hash == _name_hash(ca.issuing.subject, algorithm)
                and request.issuer_key_hash == _key_hash(ca.issuing.public_key(), algorithm)):
            return ca_id
    return None


def failure(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


def try_later() -> bytes:
    """The answer to a client over its request limit: OCSP's own "try later" (RFC 6960 §2.3)."""
    return failure(ocsp.OCSPResponseStatus.TRY_LATER)


def malformed() -> bytes:
    return failure(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)


def respond(der: bytes) -> bytes:
    """The DER OCSP response to a DER OCSP request (one CertID, as cryptography reads requests)."""
    if not isinstance(der, bytes) or not der or len(der) > MAX_REQUEST_BYTES:
        return failure(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    try:
        request = ocsp.load_der_ocsp_request(der)
        algorithm = request.hash_algorithm
        nonce = _nonce(request)
    except Exception:  # noqa: BLE001 - any unreadable request is malformedRequest (RFC 6960 §2.3)
        return failure(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    if not isinstance(algorithm, HASHES):
        return failure(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    ca_id = issuer_of(request)
    if ca_id is None:
        return failure(ocsp.OCSPResponseStatus.UNAUTHORIZED)
    return answer(ca_id, request, nonce).public_bytes(serialization.Encoding.DER)


def _nonce(request: ocsp.OCSPRequest) -> bytes | None:
    try:
        return request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None


def answer(ca_id: str, request: ocsp.OCSPRequest, nonce: bytes | None) -> ocsp.OCSPResponse:
    signer = responder(ca_id)
    now = clock.now()
    entry = certificate_status.status_of(ca_id, request.serial_number)
    revocation_time = revocation_reason = None
    if entry is None:
        status = ocsp.OCSPCertStatus.UNKNOWN
    elif entry.status == CertificateStatus.GOOD:
        status = ocsp.OCSPCertStatus.GOOD
    else:
        status = ocsp.OCSPCertStatus.REVOKED
        revocation_time = entry.changed_at
        reason = entry.reason or ("certificateHold" if entry.status == CertificateStatus.HOLD else "unspecified")
        revocation_reason = None if reason == "unspecified" else certificate_status.REASONS.get(reason)
    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
        serial_number=request.serial_number, algorithm=request.hash_algorithm, cert_status=status,
        this_update=now, next_update=now + ANSWER_VALIDITY, revocation_time=revocation_time,
        revocation_reason=revocation_reason,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, signer.certificate).certificates([signer.certificate])
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.sign(signer.key, hashes.SHA256())
