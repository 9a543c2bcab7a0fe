"""Keys and a self-made UZI test hierarchy, made once per test session (RSA-2048 is slow to generate)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from zorgid.pki.uzi import load_trust_store
from zorgid.pki.uzi.truststore import TrustStore

from .factory import LeafSpec, make_ca, make_leaf, rsa_key, write_trust_dir

VECTORS = Path(__file__).resolve().parents[3] / "vectors" / "uzi"


@dataclass(frozen=True)
class Keys:
    root: rsa.RSAPrivateKey
    leaf: rsa.RSAPrivateKey
    other: rsa.RSAPrivateKey


@dataclass(frozen=True)
class Hierarchy:
    """A self-made root that signs UZI-profile leaves, and the acceptatie trust store trusting it."""

    keys: Keys
    root: x509.Certificate
    trust_dir: Path
    store: TrustStore

    def leaf(self, spec: LeafSpec | None = None) -> x509.Certificate:
        return make_leaf(spec or LeafSpec(), self.keys.leaf, self.root, self.keys.root)


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(rsa_key(), rsa_key(), rsa_key())


@pytest.fixture(scope="session")
def hierarchy(keys, tmp_path_factory) -> Hierarchy:
    root = make_ca(keys.root)
    trust_dir = write_trust_dir(tmp_path_factory.mktemp("trust") / "uzi", root)
    return Hierarchy(keys, root, trust_dir, load_trust_store(trust_dir, "acceptatie"))


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()
