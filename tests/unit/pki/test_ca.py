import datetime as dt
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import verification
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from zorgid import clock
from zorgid.pki.ca import ensure_ca, load_ca
from zorgid.pki.profiles import IDENTITY_URN, MOBILE_ID_URN, build, mobile_id_profile


@pytest.fixture
def ca(tmp_path):
    return ensure_ca(tmp_path / "ca", "acceptatie")[0]


def test_ca_is_made_once_with_owner_only_keys(tmp_path):
    directory = tmp_path / "ca"
    first, created = ensure_ca(directory, "acceptatie")
    again, created_again = ensure_ca(directory, "acceptatie")
    assert created and not created_again
    assert first.issuing == again.issuing
    for name in ("root.key.pem", "issuing.key.pem"):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert "acceptatie" in first.root.subject.rfc4514_string()
    assert isinstance(load_ca(directory).root.public_key(), ec.EllipticCurvePublicKey)


def _issue(ca, days=30):
    key = ec.generate_private_key(ec.SECP256R1())
    return key, ca.issue(build(mobile_id_profile(
        public_key=key.public_key(), identity_id="a" * 32, mobile_id="b" * 32, first_names="Jan Willem",
        last_name="de Vries", start=clock.now(), days=days,
    )))


def test_mobile_id_certificate_profile(ca):
    key, cert = _issue(ca)
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.GIVEN_NAME)[0].value == "Jan Willem"
    assert subject.get_attributes_for_oid(NameOID.SURNAME)[0].value == "de Vries"
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "a" * 32
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.CLIENT_AUTH])
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    uris = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.UniformResourceIdentifier)
    assert uris == [IDENTITY_URN + "a" * 32, MOBILE_ID_URN + "b" * 32]
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=30)
    assert cert.issuer == ca.issuing.subject
    cert.verify_directly_issued_by(ca.issuing)
    ca.issuing.verify_directly_issued_by(ca.root)


def test_serials_are_random_and_distinct(ca):
    serials = {_issue(ca)[1].serial_number for _ in range(5)}
    assert len(serials) == 5 and all(s.bit_length() > 100 for s in serials)


def test_chain_verifies_as_client_certificate(ca):
    _, cert = _issue(ca)
    store = verification.Store([ca.root])
    verifier = verification.PolicyBuilder().store(store).time(clock.now()).build_client_verifier()
    result = verifier.verify(cert, [ca.issuing])
    assert result.chain[-1] == ca.root


@pytest.mark.parametrize("days", [0, 5 * 366 + 1])
def test_validity_is_bounded(ca, days):
    with pytest.raises(ValueError):
        _issue(ca, days=days)
