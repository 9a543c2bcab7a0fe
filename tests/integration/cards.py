"""Test UZI cards made in software (keys outside a token) for tests through HTTP without PKCS#11.

The end-to-end tests use real SoftHSM2 tokens and the Desktop App; these make the same certificates
quickly, so that every refusal can be tried against the server's real checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.unit.pki.uzi.factory import LeafSpec, make_ca, make_crl, make_leaf, rsa_key, write_trust_dir
from zorgid import clock
from zorgid.protocol.messages import CardResponse, b64encode, card_flow_path, card_response_path

# The digest of each answer's signature by its session's challenge: what the answering Desktop App sends on with a
# smartcard's keys (zorgid.flows.cards.answer_digest).
ANSWER_DIGESTS: dict[str, bytes] = {}


@dataclass
class Card:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def answer(self, client, flow_id: str, *, purpose: str | None = None, challenge: str | None = None,
               key: rsa.RSAPrivateKey | None = None, signed_at: int | None = None, flow: dict | None = None):
        """What the Desktop App does: fetch the session, sign its challenge, send the certificate."""
        flow = flow or client.get(card_flow_path(flow_id)).json()
        message = CardResponse(flow_id, challenge or flow["challenge"], flow["origin"], purpose or flow["purpose"],
                               signed_at or int(clock.now().timestamp()))
        signature = (key or self.key).sign(message.canonical_bytes(), padding.PKCS1v15(), hashes.SHA256())
        ANSWER_DIGESTS[message.challenge] = hashlib.sha256(signature).digest()
        self.last_body = {"v": 1, "certificate": self.certificate.public_bytes(serialization.Encoding.PEM).decode(),
                          "chain": [], "signed_at": message.signed_at, "signature": b64encode(signature)}
        return self.post(client, flow_id, self.last_body)

    def post(self, client, flow_id: str, body: dict):
        return client.post(card_response_path(flow_id), body, content_type="application/json")


class CardIssuer:
    """A self-made UZI root that the installation trusts (settings.ZORGID_UZI_TRUST_DIR)."""

    def __init__(self, directory, keys):
        self.root_key, self.leaf_key, self.other_key = keys
        self.root = make_ca(self.root_key, "TEST zorgid tests UZI Root CA",
                            not_before=clock.now() - dt.timedelta(days=30),
                            not_after=clock.now() + dt.timedelta(days=3650))
        self.trust_dir = write_trust_dir(directory, self.root)

    def card(self, **fields) -> Card:
        now = clock.now()
        spec = replace(LeafSpec(not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=3 * 365)),
                       **fields)
        return Card(self.leaf_key, make_leaf(spec, self.leaf_key, self.root, self.root_key))

    def crl(self, *revoked: Card) -> bytes:
        now = clock.now()
        return make_crl(self.root, self.root_key, {card.certificate.serial_number: now - dt.timedelta(hours=1)
                                                   for card in revoked},
                        this_update=now - dt.timedelta(hours=1), next_update=now + dt.timedelta(hours=47))


_KEYS: list = []


def issuer_keys():
    if not _KEYS:
        _KEYS.extend(rsa_key() for _ in range(3))
    return tuple(_KEYS)
