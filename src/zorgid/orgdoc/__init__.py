"""The organisation XML document of R-FLOW-APPLY: its schema, filling, signing and hardened verification.

A shared library without a web framework (like zorgid.protocol and zorgid.pki.uzi): the server builds
the document and verifies what comes back; ``zorgid-validatietool`` fills, signs and pre-checks it.

    build(OrganisationDocument(...)) -> bytes          the unsigned document the application e-mail carries
    fill(xml, tb_phone=...) -> bytes                   completes a draft; never changes reference or URA
    sign(xml, key, certificate, chain) -> bytes        enveloped XML signature (signing.py, pkcs11_key.py)
    verify_document(xml, trust_store, at) -> VerifiedDocument
    check_matches_application(verified, reference=..., ura=..., name=..., kvk=...)

Namespace ``urn:zorgid:organisatie:1``; references match ``REFERENCE_PATTERN``.
"""

from .document import FIELDS, OrganisationDocument, build, fill, parse_signed, read_draft, require_complete
from .parsing import MAX_DOCUMENT_BYTES, parse_untrusted
from .schema import NAMESPACE, REFERENCE_PATTERN, REFERENCE_RE, VERSION, is_reference, new_reference
from .signing import ALGORITHMS, SigningMaterial, load_pem_files, load_pkcs12_file, sign
from .verification import VerifiedDocument, check_matches_application, verify_document

__all__ = [
    "ALGORITHMS",
    "FIELDS",
    "MAX_DOCUMENT_BYTES",
    "NAMESPACE",
    "REFERENCE_PATTERN",
    "REFERENCE_RE",
    "VERSION",
    "OrganisationDocument",
    "SigningMaterial",
    "VerifiedDocument",
    "build",
    "check_matches_application",
    "fill",
    "is_reference",
    "load_pem_files",
    "load_pkcs12_file",
    "new_reference",
    "parse_signed",
    "parse_untrusted",
    "read_draft",
    "require_complete",
    "sign",
    "verify_document",
]
