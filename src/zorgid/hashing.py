"""The one hash of a secret token the server keeps instead of the token itself (docs/security.md).

Activation codes, an application's status and follow-up links, the unlock token of a key share and a flow's
browser binding are stored as this SHA-256 hex digest only; the token itself is shown or sent once.
"""

from __future__ import annotations

import hashlib


def token_hash(secret: str) -> str:
    """The lower-case SHA-256 hex digest of the token's UTF-8 bytes (64 characters)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
