"""The signing keys without a token (docs/security.md, "Keys in an HSM"): file keys stay the default and are
checked as a token's are; the token configuration and the PIN are read with clear errors. Signing on a token:
tests/integration/pki/test_hsm_keys.py (SoftHSM2, in processes of their own)."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid.pki import signing_keys
from zorgid.pki.ca import ensure_ca, load_ca
from zorgid.pki.errors import CaConfigInvalid, HsmPinWrong
from zorgid.pki.smartcard_ca import ensure_smartcard_ca


@pytest.fixture
def ca_dir(tmp_path):
    directory = tmp_path / "ca"
    ensure_smartcard_ca(directory, "acceptatie")
    return directory


@pytest.fixture
def config():
    return signing_keys.TokenConfig("/usr/lib/softhsm/libsofthsm2.so", "zorgid-ca", {"root": "zorgid-root"})


def test_file_keys_are_the_default_and_sign(ca_dir):
    assert signing_keys.load_config(ca_dir) is None
    assert isinstance(load_ca(ca_dir).key.private_key, ec.EllipticCurvePrivateKey)
    signing_keys.check_keys(ca_dir)
    assert signing_keys.signing_keys_usable(ca_dir) is None


def test_a_key_file_that_does_not_match_its_certificate_is_not_usable(ca_dir):
    other = ec.generate_private_key(ec.SECP256R1())
    (ca_dir / "issuing.key.pem").write_bytes(other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(CaConfigInvalid, match="mobile-id: the key does not match"):
        signing_keys.check_keys(ca_dir)
    assert signing_keys.signing_keys_usable(ca_dir) == "ZID-CA-CONFIG"


def test_a_missing_key_file_is_not_usable(ca_dir):
    (ca_dir / "smartcard.key.pem").unlink()
    assert signing_keys.signing_keys_usable(ca_dir) == "ZID-CA-CONFIG"


def test_the_configuration_is_written_owner_only_and_read_back(tmp_path, config):
    signing_keys.write_config(tmp_path, config)
    assert (tmp_path / "pkcs11.json").stat().st_mode & 0o077 == 0
    assert signing_keys.load_config(tmp_path) == config
    signing_keys.write_config(tmp_path, config)  # again: replaced, not refused


@pytest.mark.parametrize("text", ["{", "[]", '{"module": "/x.so"}', '{"module": "/x.so", "token_label": "t", '
                                                                      '"keys": ["a"]}'])
def test_an_unreadable_configuration_is_refused_with_its_code(tmp_path, text):
    (tmp_path / "pkcs11.json").write_text(text)
    with pytest.raises(CaConfigInvalid):
        signing_keys.load_config(tmp_path)


def test_a_token_configuration_without_the_certificates_is_refused_not_replaced_by_file_keys(tmp_path, config):
    directory = tmp_path / "ca"
    signing_keys.write_config(directory, config)
    with pytest.raises(CaConfigInvalid, match="issuing.cert.pem"):
        ensure_ca(directory, "acceptatie")
    assert not list(directory.glob("*.key.pem"))


def test_the_pin_comes_from_the_environment_or_a_file(tmp_path, config, monkeypatch):
    monkeypatch.delenv(signing_keys.PIN_ENV, raising=False)
    monkeypatch.delenv(signing_keys.PIN_FILE_ENV, raising=False)
    with pytest.raises(HsmPinWrong, match="no PIN"):
        signing_keys.read_pin(config)
    pin_file = tmp_path / "pin"
    pin_file.write_text("246810\n")
    assert signing_keys.read_pin(signing_keys.TokenConfig("m", "t", {}, str(pin_file))) == "246810"
    monkeypatch.setenv(signing_keys.PIN_FILE_ENV, str(pin_file))
    assert signing_keys.read_pin(config) == "246810"
    monkeypatch.setenv(signing_keys.PIN_ENV, "135790")
    assert signing_keys.read_pin(config) == "135790"
    monkeypatch.delenv(signing_keys.PIN_ENV)
    pin_file.write_text("\n")
    with pytest.raises(HsmPinWrong, match="empty") as refused:
        signing_keys.read_pin(config)
    assert "246810" not in str(refused.value.detail)


def test_a_token_key_cannot_be_exported_through_its_python_object(config):
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    key = signing_keys.TokenEcKey(signing_keys.token_for(config), "zorgid-root", public)
    assert key.public_key() is public and key.key_size == 256 and isinstance(key.curve, ec.SECP256R1)
    with pytest.raises(TypeError, match="cannot be exported"):
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    with pytest.raises(TypeError, match="cannot be exported"):
        key.private_numbers()


def test_the_configuration_holds_no_pin(config):
    assert set(json.loads(config.as_json())) == {"module", "token_label", "pin_file", "keys"}
