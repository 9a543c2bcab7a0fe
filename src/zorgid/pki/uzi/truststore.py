"""The UZI trust store: trusted CA certificates are configuration, a directory per environment.

docs/uzi.md ("Chains"): the G3 and Private G1 hierarchies end in November 2028 and are replaced by G4, so which
CAs are trusted must change without a code change. A trust store is a directory of ``*.pem``, ``*.cer``
and ``*.crt`` files, PEM (one or more certificates) or DER. Self-signed certificates are the roots (trust
anchors); all others are intermediates offered to chain building. The defaults live beside this package
in ``pki/truststores/<environment>/uzi/``: acceptatie holds the UZI register's test chains, productie
what the operator installs (see its README.md). A caller may pass any directory instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from zorgid.protocol.environments import ENVIRONMENTS

from .errors import UziCertificateUnreadable, UziTrustStoreInvalid
from .loading import MAX_BUNDLE_BYTES, load_certificates

SUFFIXES = (".pem", ".cer", ".crt")
MAX_FILES = 200
TRUSTSTORES = Path(__file__).resolve().parent.parent / "truststores"


@dataclass(frozen=True)
class TrustStore:
    """The trusted UZI roots and known intermediates of one environment."""

    environment: str
    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]
    directory: Path | None = None


def default_trust_dir(environment: str) -> Path:
    """``pki/truststores/<environment>/uzi``: the directory used when the settings name none."""
    _check_environment(environment)
    return TRUSTSTORES / environment / "uzi"


def load_trust_store(directory: Path, environment: str) -> TrustStore:
    """Read every certificate file in ``directory`` (not its subdirectories) into a TrustStore."""
    _check_environment(environment)
    directory = Path(directory)
    if not directory.is_dir():
        raise UziTrustStoreInvalid(f"trust store directory {directory} does not exist")
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    if len(files) > MAX_FILES:
        raise UziTrustStoreInvalid(f"trust store {directory} has more than {MAX_FILES} certificate files")
    certificates = _unique(cert for path in files for cert in _read(path))
    roots = tuple(cert for cert in certificates if is_self_signed(cert))
    if not roots:
        raise UziTrustStoreInvalid(f"trust store {directory} holds no self-signed root certificate")
    intermediates = tuple(cert for cert in certificates if not is_self_signed(cert))
    return TrustStore(environment, roots, intermediates, directory)


def is_self_signed(cert: x509.Certificate) -> bool:
    """A root: issuer equals subject and its own key verifies its signature."""
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def _read(path: Path) -> list[x509.Certificate]:
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise UziTrustStoreInvalid(f"{path} is larger than {MAX_BUNDLE_BYTES} bytes")
        return load_certificates(path.read_bytes())
    except OSError as exc:
        raise UziTrustStoreInvalid(f"cannot read {path}: {exc.strerror}") from exc
    except UziCertificateUnreadable as exc:
        raise UziTrustStoreInvalid(f"{path}: {exc.detail}") from exc


def _unique(certificates) -> list[x509.Certificate]:
    seen: dict[bytes, x509.Certificate] = {}
    for cert in certificates:
        seen.setdefault(hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest(), cert)
    return list(seen.values())


def _check_environment(environment: str) -> None:
    if environment not in ENVIRONMENTS:
        raise ValueError(f"environment must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
