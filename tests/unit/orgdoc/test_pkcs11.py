"""Signing with a key inside a PKCS#11 token (SoftHSM2), as an HSM or smartcard holds it (R-CRED-UZISERVER)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from zorgid.devtools.softhsm import SoftHsmHome
from zorgid.orgdoc import verify_document

from .factory import ec_key, server_with_key, unsigned
from .tokens import MODULE, sign_with_token, token_with_key

pytestmark = pytest.mark.skipif(not Path(MODULE).exists() or shutil.which("pkcs11-tool") is None,
                                reason="SoftHSM2 or pkcs11-tool (opensc) is not installed")


@pytest.fixture(scope="module")
def tokens(kit, tmp_path_factory):
    """One SoftHSM2 directory with three tokens: RSA key and certificate, EC key and certificate, a key alone."""
    home = SoftHsmHome(tmp_path_factory.mktemp("orgdoc-tokens") / "softhsm").ensure()
    token_with_key(home, "rsa", kit.server.key, kit.server.certificate)
    key = ec_key()
    token_with_key(home, "ec", key, server_with_key(kit.ca, key))
    token_with_key(home, "zonder-certificaat", kit.server.key, None)
    return home


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "organisatie.xml"
    path.write_bytes(unsigned())
    return path


@pytest.mark.parametrize(("label", "algorithm", "method"), [
    ("rsa", None, "rsa-sha256"), ("rsa", "rsa-sha512", "rsa-sha512"), ("rsa", "rsa-pss-sha256", "sha256-rsa-MGF1"),
    ("ec", None, "ecdsa-sha256"),
])
def test_the_token_signs_and_the_document_verifies(kit, tokens, source, tmp_path, label, algorithm, method):
    out = tmp_path / "ondertekend.xml"
    assert sign_with_token(tokens, source, out, label, algorithm=algorithm) == "OK"
    verified = verify_document(out.read_bytes(), kit.store, kit.now)
    assert verified.signature_method.endswith(method) and verified.signer.card_type == "S"


def test_a_certificate_not_on_the_token_can_be_given(kit, tokens, source, tmp_path):
    out = tmp_path / "ondertekend.xml"
    assert sign_with_token(tokens, source, out, "zonder-certificaat").startswith("ZID-XML-TOKEN-KEY")
    cert = kit.server.certificate_pem().decode()
    assert sign_with_token(tokens, source, out, "zonder-certificaat", cert=cert) == "OK"
    assert verify_document(out.read_bytes(), kit.store, kit.now).certificate == kit.server.certificate


def test_a_token_key_of_another_certificate_is_caught_before_sending(kit, tokens, source, tmp_path):
    other = server_with_key(kit.ca, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    cert = other.public_bytes(serialization.Encoding.PEM).decode()
    assert sign_with_token(tokens, source, tmp_path / "x.xml", "rsa", cert=cert).startswith("ZID-XML-KEY-MISMATCH")


@pytest.mark.parametrize(("options", "code"), [
    ({"pin": "0000000"}, "ZID-XML-TOKEN-PIN"),
    ({"label": "bestaat-niet"}, "ZID-XML-TOKEN-NOT-FOUND"),
    ({"key_label": "een-andere-sleutel"}, "ZID-XML-TOKEN-KEY"),
    ({"module": "/usr/lib/bestaat-niet.so"}, "ZID-XML-PKCS11-MODULE"),
])
def test_token_failures_have_their_own_codes(tokens, source, tmp_path, options, code):
    label = options.pop("label", "rsa")
    assert sign_with_token(tokens, source, tmp_path / "x.xml", label, **options).startswith(code)
