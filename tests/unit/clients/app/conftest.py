"""Fixtures for the app client's unit tests: IDs with self-made certificates (no server, no app home)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from zorgid.clients.app.identity import Holder, MobileIdentity

PIN = "123456"
SERVER = "https://portal.example"
MOBILE_ID = "mobile-id-0123456789abcdef"


def issue_certificate(public_key, *, days: int = 365) -> str:
    """A self-signed-by-a-throwaway-CA certificate for ``public_key``, as PEM."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jan de Vries")]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(ca_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def make_identity(private_key, mobile_id: str = MOBILE_ID, server: str = SERVER) -> MobileIdentity:
    return MobileIdentity(
        mobile_id=mobile_id,
        server=server,
        holder=Holder(first_names="Jan", last_name="de Vries", birth_date="01-02-1980"),
        certificate_pem=issue_certificate(private_key.public_key()),
        chain_pem=(),
    )


@pytest.fixture
def made_id():
    """An ID and its key as the app would hold them after activation (no app home: see the integration tests)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return None, make_identity(key), key


@pytest.fixture
def new_identity():
    """``new_identity(private_key, mobile_id=..., server=...)`` builds an ID with a fresh certificate."""
    return make_identity
