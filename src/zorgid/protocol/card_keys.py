"""The proof of possession of a new ZORG-ID Smartcard key: what each key generated on the card signs.

When the Desktop App makes a ZORG-ID Smartcard, every key pair is generated on the card and its private key
never leaves it. Before the server certifies a public key it checks that the card holds the private half:
the key signs the canonical bytes of :class:`CardKeyProof`, which bind the flow's challenge, the key's role
and the public key itself, so a proof can neither be replayed in another flow nor moved to another role or
key. The signature is RSA PKCS#1 v1.5 with SHA-256 (CKM_SHA256_RSA_PKCS), as the Desktop App's other
signatures (zorgid.protocol.messages.CardResponse).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import MessageMalformed
from .messages import CARD_VERSION, b64encode, canonical_json
from .payloads import TOKEN

# The key pairs of a ZORG-ID Smartcard, as a UZI-pas has them: authentication, signing (non-repudiation),
# encryption (confidentiality).
CARD_KEY_ROLES = ("authentication", "signing", "encryption")
MAX_CARD_PUBLIC_KEY_BYTES = 1024  # DER SubjectPublicKeyInfo; RSA-2048: 294 bytes
MAX_CARD_KEY_PROOF_BYTES = 1024  # the signature; RSA-2048: 256 bytes


@dataclass(frozen=True)
class CardKeyProof:
    """One new card key's proof of possession: the key signs these canonical bytes."""

    challenge: str
    role: str
    public_key: bytes  # DER SubjectPublicKeyInfo
    version: int = CARD_VERSION

    def __post_init__(self) -> None:
        if not isinstance(self.challenge, str) or not TOKEN.match(self.challenge):
            raise MessageMalformed("challenge has an invalid form")
        if self.role not in CARD_KEY_ROLES:
            raise MessageMalformed("role is not known")
        if not isinstance(self.public_key, bytes) or not 0 < len(self.public_key) <= MAX_CARD_PUBLIC_KEY_BYTES:
            raise MessageMalformed(f"public_key must be 1 to {MAX_CARD_PUBLIC_KEY_BYTES} bytes")
        if self.version != CARD_VERSION:
            raise MessageMalformed(f"message version {self.version} is not supported")

    def canonical_bytes(self) -> bytes:
        return canonical_json({
            "type": "zorgid.card.key-proof",
            "v": self.version,
            "challenge": self.challenge,
            "role": self.role,
            "public_key": b64encode(self.public_key),
        })
