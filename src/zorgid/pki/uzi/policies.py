"""What each use of a UZI certificate requires: key usage, extended key usage and policy OID.

docs/uzi.md ("UZI certificates"; CPS §7.1): Z and N cards hold an authentication (digitalSignature; EKU
clientAuth), a signature (nonRepudiation) and a confidentiality certificate (keyEncipherment); M cards
no signature certificate. Policy OIDs in production: Z/N 2.16.528.1.1003.1.2.5.1 / .5.2 / .5.3, M .5.4 /
.5.5, server 2.16.528.1.1003.1.2.8.6; in the test environment 2.16.528.1.1007.99.211 / .212 / .213.

Two entries are not in docs/uzi.md and are marked so: the test policy of M cards (taken to be the Z/N test
OIDs) and of test server certificates (2.16.528.1.1007.99.12, the policy the test Private Services CA
G1 in tests/vectors/uzi lists). The policy ties a certificate to its environment: a test card never
passes in productie, a real card never in acceptatie.

``server-signature`` is the use of a UZI server certificate (card type S) to sign the organisation XML
(R-CRED-UZISERVER, R-FLOW-APPLY): keyUsage digitalSignature, and no extended key usage, because the
server certificate's EKUs (serverAuth, clientAuth) describe TLS, not document signing.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

AUTHENTICATION = "authentication"
SIGNATURE = "signature"
CONFIDENTIALITY = "confidentiality"
SERVER_SIGNATURE = "server-signature"


@dataclass(frozen=True)
class Purpose:
    """A use of a certificate: the key usages it needs (``x509.KeyUsage`` attribute names) and EKUs."""

    name: str
    key_usages: tuple[str, ...]
    extended_key_usages: tuple[x509.ObjectIdentifier, ...] = ()


PURPOSES: dict[str, Purpose] = {
    AUTHENTICATION: Purpose(AUTHENTICATION, ("digital_signature",), (ExtendedKeyUsageOID.CLIENT_AUTH,)),
    SIGNATURE: Purpose(SIGNATURE, ("content_commitment",)),
    CONFIDENTIALITY: Purpose(CONFIDENTIALITY, ("key_encipherment",)),
    SERVER_SIGNATURE: Purpose(SERVER_SIGNATURE, ("digital_signature",)),
}

_PROD = "2.16.528.1.1003.1.2.5."
_TEST = "2.16.528.1.1007.99.21"
PRODUCTION_SERVER_POLICY = "2.16.528.1.1003.1.2.8.6"
TEST_SERVER_POLICY = "2.16.528.1.1007.99.12"  # not in docs/uzi.md: from the test Private Services CA G1

# (environment, card type, purpose) → the policy OID the certificate must carry.
POLICY_OIDS: dict[tuple[str, str, str], str] = {
    **{("productie", card, AUTHENTICATION): _PROD + "1" for card in "ZN"},
    **{("productie", card, SIGNATURE): _PROD + "2" for card in "ZN"},
    **{("productie", card, CONFIDENTIALITY): _PROD + "3" for card in "ZN"},
    ("productie", "M", AUTHENTICATION): _PROD + "4",
    ("productie", "M", CONFIDENTIALITY): _PROD + "5",
    ("productie", "S", AUTHENTICATION): PRODUCTION_SERVER_POLICY,
    ("productie", "S", SERVER_SIGNATURE): PRODUCTION_SERVER_POLICY,
    **{("acceptatie", card, AUTHENTICATION): _TEST + "1" for card in "ZNM"},
    **{("acceptatie", card, SIGNATURE): _TEST + "2" for card in "ZN"},
    **{("acceptatie", card, CONFIDENTIALITY): _TEST + "3" for card in "ZNM"},
    ("acceptatie", "S", AUTHENTICATION): TEST_SERVER_POLICY,
    ("acceptatie", "S", SERVER_SIGNATURE): TEST_SERVER_POLICY,
}


def purpose(name: str) -> Purpose:
    """The purpose called ``name``; ValueError for one this module does not know (a programming error)."""
    try:
        return PURPOSES[name]
    except KeyError:
        raise ValueError(f"unknown purpose {name!r}; expected one of {', '.join(PURPOSES)}") from None


def policy_oid(environment: str, card_type: str, purpose_name: str) -> str | None:
    """The policy OID required of a ``card_type`` certificate used for ``purpose_name``, None if none exists."""
    return POLICY_OIDS.get((environment, card_type, purpose_name))
