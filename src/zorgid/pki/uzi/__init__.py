"""Reading and trusting UZI certificates: UZI-pas and UZI server certificates (R-CRED-UZI, docs/uzi.md).

``read_uzi_certificate`` reads the attributes, ``validate_uzi_certificate`` checks trust, validity, key
usage, policy and revocation against a ``TrustStore`` loaded from a directory (``load_trust_store``).
"""

from .attributes import UziAttributes, load_certificate, read_uzi_certificate
from .revocation import CrlCache, CrlSource
from .roles import role_name
from .truststore import TrustStore, default_trust_dir, load_trust_store
from .validation import validate_uzi_certificate

__all__ = [
    "CrlCache",
    "CrlSource",
    "TrustStore",
    "UziAttributes",
    "default_trust_dir",
    "load_certificate",
    "load_trust_store",
    "read_uzi_certificate",
    "role_name",
    "validate_uzi_certificate",
]
