"""The installation's smartcard CA: the issuing CA of ZORG-ID Smartcard certificates (R-CRED-SMARTCARD).

"zorgid <environment> Smartcard CA" (EC P-256) sits under the same root as the Mobile ID CA (:mod:`.ca`) and in
the same directory (ZORGID_HOME/ca), next to it::

    root.cert.pem, root.key.pem, issuing.cert.pem, issuing.key.pem   the root and the Mobile ID CA (ca.py)
    smartcard.cert.pem, smartcard.key.pem                            the smartcard CA (this module)

It is made on first need, under the directory's lock: an installation made before it existed gets it added
with the root's key, without any of the existing files changing. Loaded once per process. Its certificates
are recorded in the certificate status (CA id ``smartcard``), with their own CRL and OCSP answers.
"""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.config import write_private_file

from . import signing_keys
from .ca import ISSUING_VALIDITY, CertificateAuthority, SoftwareKey, _ca_builder, _ca_name, ensure_ca
from .errors import CaConfigInvalid

SMARTCARD_CA = "smartcard"  # its id in certificate status, CRL and OCSP (pki.models)
CERT_FILE = "smartcard.cert.pem"
KEY_FILE = "smartcard.key.pem"


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path.name} must hold an EC key")
    return key


def create_smartcard_ca(directory: Path, environment: str) -> None:
    """Issue the smartcard CA with the root's key in ``directory`` (the caller holds the lock).

    A key left by an interrupted earlier attempt is used; an existing certificate is never replaced."""
    root = x509.load_pem_x509_certificate((directory / "root.cert.pem").read_bytes())
    root_key = _load_key(directory / "root.key.pem")
    key_path = directory / KEY_FILE
    if key_path.exists():
        key = _load_key(key_path)
    else:
        key = ec.generate_private_key(ec.SECP256R1())
        write_private_file(key_path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    builder = _ca_builder(
        _ca_name(f"zorgid {environment} Smartcard CA", environment), key.public_key(), ISSUING_VALIDITY, 0)
    certificate = CertificateAuthority(root, root, SoftwareKey(root_key)).issue(builder)
    write_private_file(directory / CERT_FILE, certificate.public_bytes(serialization.Encoding.PEM))


def load_smartcard_ca(directory: Path) -> CertificateAuthority:
    root = x509.load_pem_x509_certificate((directory / "root.cert.pem").read_bytes())
    issuing = x509.load_pem_x509_certificate((directory / CERT_FILE).read_bytes())
    return CertificateAuthority(root, issuing, SoftwareKey(
        signing_keys.ca_key(directory, SMARTCARD_CA, KEY_FILE, issuing.public_key())))


def ensure_smartcard_ca(directory: Path, environment: str) -> tuple[CertificateAuthority, bool]:
    """Load the smartcard CA in ``directory``, making the root first if needed and then the smartcard CA if it
    is not there. Safe across processes (the directory's lock, as :func:`.ca.ensure_ca`)."""
    ensure_ca(directory, environment)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        created = not (directory / CERT_FILE).exists()
        if created and signing_keys.load_config(directory) is not None:
            raise CaConfigInvalid(f"{CERT_FILE} is missing beside pkcs11.json")
        if created:
            create_smartcard_ca(directory, environment)
        return load_smartcard_ca(directory), created


_cache: dict[Path, CertificateAuthority] = {}
_cache_lock = threading.Lock()


def get_smartcard_ca() -> CertificateAuthority:
    """The smartcard CA of this installation (ZORGID_HOME/ca), loaded once per process."""
    from django.conf import settings

    directory = Path(settings.ZORGID_HOME) / "ca"
    with _cache_lock:
        if directory not in _cache:
            _cache[directory] = ensure_smartcard_ca(directory, settings.ZORGID_ENVIRONMENT)[0]
        return _cache[directory]

