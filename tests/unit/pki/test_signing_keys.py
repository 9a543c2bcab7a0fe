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



class Module:
    """A PKCS#11 module's answers as SoftHSM2 gives them while another process rewrites the token: ``list_errors``
    when the tokens are listed, then ``open_errors`` when the session is opened, then a session (a stand-in)."""

    def __init__(self, list_errors=(), open_errors=()) -> None:
        self.list_errors, self.open_errors = list(list_errors), list(open_errors)
        self.listed = self.opened = 0

    def get_tokens(self):
        self.listed += 1
        if self.list_errors:
            raise self.list_errors.pop(0)
        return iter([self])

    label = "zorgid-ca"

    def open(self, rw: bool, user_pin: str):
        self.opened += 1
        if self.open_errors:
            raise self.open_errors.pop(0)
        return ("session", rw, user_pin)


@pytest.fixture
def module(monkeypatch):
    import pkcs11

    monkeypatch.setattr(signing_keys, "TOKEN_WAIT_SECONDS", 0)
    monkeypatch.setenv(signing_keys.PIN_ENV, "1234")

    def use(**errors) -> Module:
        made = Module(**errors)
        monkeypatch.setattr(pkcs11, "lib", lambda path: made)
        return made

    return use


def test_a_token_being_rewritten_is_listed_and_opened_again(module, config):
    from pkcs11.exceptions import GeneralError, TokenNotRecognised

    token = module(list_errors=[GeneralError()], open_errors=[TokenNotRecognised()])
    assert signing_keys.open_session(config, rw=True) == ("session", True, "1234")
    assert (token.listed, token.opened) == (3, 2)


def test_the_last_try_is_refused_with_its_code(module, config):
    from pkcs11.exceptions import GeneralError

    from zorgid.pki.errors import HsmFailed, HsmModuleUnavailable

    always = module(list_errors=[GeneralError() for _ in range(signing_keys.TOKEN_TRIES)])
    with pytest.raises(HsmModuleUnavailable, match="tokens: GeneralError"):
        signing_keys.open_session(config, rw=False)
    assert always.listed == signing_keys.TOKEN_TRIES
    opening = module(open_errors=[GeneralError() for _ in range(signing_keys.TOKEN_TRIES)])
    with pytest.raises(HsmFailed, match="login: GeneralError"):
        signing_keys.open_session(config, rw=False)
    assert opening.opened == signing_keys.TOKEN_TRIES


def test_other_errors_and_a_wrong_pin_are_not_tried_again(module, config):
    from pkcs11.exceptions import DeviceRemoved, PinIncorrect

    from zorgid.pki.errors import HsmModuleUnavailable

    removed = module(list_errors=[DeviceRemoved()])
    with pytest.raises(HsmModuleUnavailable, match="tokens: DeviceRemoved"):
        signing_keys.open_session(config, rw=False)
    assert removed.listed == 1
    wrong = module(open_errors=[PinIncorrect()])
    with pytest.raises(HsmPinWrong):
        signing_keys.open_session(config, rw=False)
    assert wrong.opened == 1


def test_the_signing_session_is_opened_once_as_its_signature_is_tried_again(module, config):
    from pkcs11.exceptions import GeneralError

    from zorgid.pki.errors import HsmModuleUnavailable

    once = module(list_errors=[GeneralError()])
    with pytest.raises(HsmModuleUnavailable):
        signing_keys.open_session(config, rw=False, tries=1)
    assert once.listed == 1
