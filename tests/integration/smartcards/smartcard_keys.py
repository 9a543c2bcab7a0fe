"""A ZORG-ID Smartcard in software for tests through HTTP: three RSA keys outside a token, their proofs of
possession, issued with identities.smartcards.issue_smartcard; its authentication key answers card sessions as the
Desktop App does (tests/integration/cards.Card). The end-to-end test uses a real SoftHSM2 card."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.integration.cards import Card
from zorgid import clock
from zorgid.identities.smartcards import IssuedSmartcard, issue_smartcard
from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof

CHALLENGE = "smartcard-login-test-0123456789abcdef"
_KEYS: list[rsa.RSAPrivateKey] = []


def card_keys(count: int = 6) -> list[rsa.RSAPrivateKey]:
    """RSA-2048 keys made once per process (two cards' worth)."""
    while len(_KEYS) < count:
        _KEYS.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _KEYS[:count]


def uzi_pas(ura: str, **changes) -> dict:
    """The UZI-pas attributes of Jan Willem de Vries (the operator of tests/conftest.py) the card is made with."""
    now = clock.now()
    return {"uzi_number": "900016528", "card_type": "Z", "ura": ura, "role": "01.015", "agb": "00000000",
            "given_name": "Jan", "surname": "de Vries", "common_name": "Jan de Vries",
            "organisation": "Huisartsenpraktijk De Linde", "ca_oid": "2.16.528.1.1003.1.3.5.5.2",
            "not_valid_before": now - dt.timedelta(days=30), "not_valid_after": now + dt.timedelta(days=300),
            **changes}


def make_smartcard(person, organisation, *, second: bool = False) -> tuple[IssuedSmartcard, Card]:
    """Issue a smartcard for ``person`` from software keys; the Card answers with its authentication key."""
    keys = dict(zip(CARD_KEY_ROLES, card_keys()[3:] if second else card_keys()[:3], strict=True))
    offered = {}
    for role, key in keys.items():
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        proof = key.sign(CardKeyProof(CHALLENGE, role, der).canonical_bytes(), padding.PKCS1v15(), hashes.SHA256())
        offered[role] = (der, proof)
    issued = issue_smartcard(person, organisation, challenge=CHALLENGE, keys=offered,
                             uzi=uzi_pas(organisation.ura), actor="test", ip="127.0.0.1", label="test card")
    authentication = x509.load_der_x509_certificate(issued.certificates[CARD_KEY_ROLES[0]])
    return issued, Card(keys[CARD_KEY_ROLES[0]], authentication)
