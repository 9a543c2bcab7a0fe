"""JWK Sets for the register's tests: real keys, made as an application's supplier makes them."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import ECKey, RSAKey


def rsa_jwk(kid: str = "rsa-1", bits: int = 2048, *, private: bool = False) -> dict:
    if bits < 2048:  # joserfc warns about a weak key it makes; the register must refuse one
        numbers = rsa.generate_private_key(65537, bits).public_key().public_numbers()
        return {"kty": "RSA", "kid": kid, "n": _b64(numbers.n), "e": _b64(numbers.e)}
    key = RSAKey.generate_key(bits, parameters={"kid": kid}, private=True)
    return key.as_dict(private=private)


def _b64(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


def ec_jwk(kid: str = "ec-1", curve: str = "P-256", *, private: bool = False) -> dict:
    key = ECKey.generate_key(curve, parameters={"kid": kid}, private=True)
    return key.as_dict(private=private)


def jwks(*keys: dict) -> dict:
    return {"keys": list(keys) or [ec_jwk()]}
