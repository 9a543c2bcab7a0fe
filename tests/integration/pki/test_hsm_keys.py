"""The CA keys and the ID-token key on a PKCS#11 token (docs/security.md, "Keys in an HSM"), with SoftHSM2: made by
``zorgid ca init``, never exportable, signing certificates, CRLs, OCSP answers and ID tokens that verify with
the public keys, in two instances at once; a wrong PIN or a missing token refused with its code."""

from __future__ import annotations

import base64
import datetime as dt
import json

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp as x509_ocsp

from tests.integration.pki import hsm
from tests.integration.pki.hsm import PIN, TOKEN, finished, installation
from zorgid.oidc.keys import JWKS_CACHE_SECONDS, SYNC_SECONDS

template, softhsm = hsm.template, hsm.softhsm  # the fixtures


@pytest.fixture
def first(template, softhsm, tmp_path):
    made = installation(template, tmp_path / "one", softhsm)
    done = made.init()
    assert done.returncode == 0, done.stderr
    assert f"Sleutels gemaakt op token '{TOKEN}'" in done.stdout
    return made


def certificate(home, name):
    return x509.load_pem_x509_certificate((home / "ca" / name).read_bytes())


def verify_everything(answer: dict, home) -> None:
    """Every certificate, the CRL, the OCSP answer and the ID tokens verify with the CA certificates' public keys
    (the certificates in ``home``) and the published ID-token key."""
    root, issuing = certificate(home, "root.cert.pem"), certificate(home, "issuing.cert.pem")
    smartcard_ca = certificate(home, "smartcard.cert.pem")
    for issued in (issuing, smartcard_ca):
        issued.verify_directly_issued_by(root)
    for pem in answer["mobile"]:
        x509.load_pem_x509_certificate(pem.encode()).verify_directly_issued_by(issuing)
    x509.load_pem_x509_certificate(answer["smartcard"].encode()).verify_directly_issued_by(smartcard_ca)
    crl = x509.load_der_x509_crl(base64.b64decode(answer["crl"]))
    assert crl.is_signature_valid(issuing.public_key()) and crl.issuer == issuing.subject
    first = x509.load_pem_x509_certificate(answer["mobile"][0].encode())
    assert crl.get_revoked_certificate_by_serial_number(first.serial_number) is not None
    ocsp_answer = x509_ocsp.load_der_ocsp_response(base64.b64decode(answer["ocsp"]))
    assert ocsp_answer.certificate_status == x509_ocsp.OCSPCertStatus.REVOKED
    [responder] = ocsp_answer.certificates
    responder.verify_directly_issued_by(issuing)  # the delegated responder, issued with the token's key
    responder.public_key().verify(ocsp_answer.signature, ocsp_answer.tbs_response_bytes,
                                  ec.ECDSA(ocsp_answer.signature_hash_algorithm))
    [signer, *_] = answer["jwks"]["keys"]
    public = jwt.PyJWK(signer).key
    for token in answer["id_tokens"]:
        assert jwt.get_unverified_header(token)["kid"] == signer["kid"]
        claims = jwt.decode(token, public, algorithms=["RS256"], options={"verify_aud": False})
        assert claims["iss"] == "https://zorgid.test"
    assert answer["usable"] is None


def test_init_makes_the_keys_on_the_token_and_every_signature_verifies(first):
    config = json.loads((first.home / "ca" / "pkcs11.json").read_text())
    assert config["token_label"] == TOKEN and PIN not in json.dumps(config)
    assert config["keys"] == {"root": "zorgid-root", "mobile-id": "zorgid-mobile-id",
                              "smartcard": "zorgid-smartcard", "oidc": "zorgid"}
    assert not list((first.home / "ca").glob("*.key.pem"))  # no CA key in a file
    [reference] = (first.home / "oidc").glob("*.pkcs11")
    assert reference.name.startswith("0001-") and reference.suffix == ".pkcs11"
    assert not list((first.home / "oidc").glob("*.pem"))
    verify_everything(finished(first.sign_all()), first.home)
    checked = first.zorgid("ca", "check")
    assert checked.returncode == 0 and f"op token '{TOKEN}'" in checked.stdout


def test_the_keys_cannot_be_exported(first):
    found = first.inspect_keys()
    assert set(found) == {"zorgid-root", "zorgid-mobile-id", "zorgid-smartcard", "zorgid-oidc-0001"}
    for label, key in found.items():
        assert (key["extractable"], key["sensitive"], key["never_extractable"]) == (False, True, True), label
        secret = ("PRIVATE_EXPONENT", "PRIME_1") if label.startswith("zorgid-oidc") else ("VALUE",)  # RSA, EC
        assert {name: key["read"][name] for name in secret} == dict.fromkeys(secret, "AttributeSensitive"), label
        assert "read" not in key["read"].values()


def test_two_instances_sign_with_the_one_key_at_the_same_time(first, template, softhsm, tmp_path):
    second = installation(template, tmp_path / "two", softhsm)
    done = second.init()
    assert done.returncode == 0, done.stderr
    assert f"Sleutels gevonden op token '{TOKEN}'" in done.stdout  # nothing made: the first instance's keys
    for name in ("root.cert.pem", "issuing.cert.pem", "smartcard.cert.pem"):
        assert (second.home / "ca" / name).read_bytes() == (first.home / "ca" / name).read_bytes()
    assert sorted(p.name for p in (second.home / "oidc").glob("*.pkcs11")) == \
        sorted(p.name for p in (first.home / "oidc").glob("*.pkcs11"))
    running = [first.sign_all(10), second.sign_all(10)]  # two processes, each signing from 8 threads
    answers = [finished(process) for process in running]
    for answer in answers:
        verify_everything(answer, first.home)
    assert answers[0]["jwks"] == answers[1]["jwks"]


def test_a_rotated_id_token_key_is_made_on_the_token(first):
    done = first.zorgid("oidc", "keys", "rotate", "--now")
    assert done.returncode == 0, done.stderr
    assert [p.name[:4] for p in sorted((first.home / "oidc").glob("*.pkcs11"))] == ["0001", "0002"]
    assert not list((first.home / "oidc").glob("*.pem"))
    assert "zorgid-oidc-0002" in first.inspect_keys()
    answer = finished(first.sign_all(2))
    verify_everything(answer, first.home)
    # it signs, through the token, SYNC_SECONDS after the rotation (--now: every instance publishes it by then)
    [reference] = (first.home / "oidc").glob("0002-*")
    later = dt.datetime.fromtimestamp(reference.stat().st_mtime_ns / 1e9, tz=dt.UTC) + dt.timedelta(
        seconds=JWKS_CACHE_SECONDS + SYNC_SECONDS + 1)
    state = first.key_state(at=later)
    assert state["signer"] in reference.name and jwt.get_unverified_header(state["id_token"])["kid"] == state["signer"]
    [published] = [key for key in state["jwks"]["keys"] if key["kid"] == state["signer"]]
    jwt.decode(state["id_token"], jwt.PyJWK(published).key, algorithms=["RS256"], options={"verify_aud": False})


def test_a_wrong_pin_is_refused_with_its_code_and_never_shown(first):
    done = first.zorgid("ca", "check", pin="999999")
    assert done.returncode == 1
    assert "ZID-HSM-PIN" in done.stderr and "999999" not in done.stderr + done.stdout
    missing = first.zorgid("ca", "check", pin=None)
    assert missing.returncode == 1 and "ZID-HSM-PIN" in missing.stderr and "ZORGID_PKCS11_PIN" in missing.stderr


def test_the_pin_from_a_file(first, tmp_path):
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    pin_file.chmod(0o600)
    assert first.zorgid("ca", "check", pin=None, ZORGID_PKCS11_PIN_FILE=str(pin_file)).returncode == 0


def test_a_missing_token_is_refused_at_start(first):
    first.softhsm.delete_token(TOKEN)
    done = first.zorgid("ca", "check")
    assert done.returncode == 1 and "ZID-HSM-TOKEN" in done.stderr
    serve = first.zorgid("serve", "--port", "8799")  # refused before gunicorn starts
    assert serve.returncode == 1 and "ZID-HSM-TOKEN" in serve.stderr, serve.stdout + serve.stderr


def test_serve_refuses_to_start_with_a_wrong_pin(first):
    serve = first.zorgid("serve", "--port", "8798", pin="111111")
    assert serve.returncode == 1 and "ZID-HSM-PIN" in serve.stderr, serve.stdout + serve.stderr
    assert "111111" not in serve.stdout + serve.stderr


def test_init_refuses_an_installation_with_file_keys(template, softhsm, tmp_path):
    made = installation(template, tmp_path / "files", softhsm)
    assert made.zorgid("pki", "crl").returncode == 0  # makes the file CA on first need
    done = made.init()
    assert done.returncode == 1 and "ZID-CA-EXISTS" in done.stderr
    assert not (made.home / "ca" / "pkcs11.json").exists()


def test_init_refuses_an_unknown_token_and_a_wrong_pin(template, softhsm, tmp_path):
    made = installation(template, tmp_path / "new", softhsm)
    wrong = made.init(pin="000000")
    assert wrong.returncode == 1 and "ZID-HSM-PIN" in wrong.stderr
    unknown = made.zorgid("ca", "init", "--pkcs11-module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", "nope")
    assert unknown.returncode == 1 and "ZID-HSM-TOKEN" in unknown.stderr
    assert not (made.home / "ca").exists() or not (made.home / "ca" / "pkcs11.json").exists()


def test_the_public_halves_in_the_reference_match_the_token(first):
    reference = json.loads(next((first.home / "oidc").glob("*.pkcs11")).read_text())
    public = serialization.load_pem_public_key(reference["public_key"].encode())
    assert public.key_size == 3072 and reference["label"] == "zorgid-oidc-0001"


WRONG_PIN_TWICE = """
from zorgid.pki import signing_keys
from zorgid.pki.ca import get_ca
from zorgid.pki.errors import HsmPinWrong
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
for attempt in (1, 2):
    try:
        get_ca().key.private_key.sign(b"x", ec.ECDSA(hashes.SHA256()))
    except HsmPinWrong as refused:
        print(refused.code, refused.detail)
print("usable:", signing_keys.signing_keys_usable())
"""


def test_a_wrong_pin_is_tried_once_per_process_never_again(first):
    done = first.python(WRONG_PIN_TWICE, pin="999999")
    assert done.returncode == 0, done.stderr
    first_try, second_try, usable = done.stdout.strip().splitlines()
    assert first_try.startswith("ZID-HSM-PIN token 'zorgid-ca': PinIncorrect")
    assert second_try.endswith("not tried again until zorgid restarts")
    assert usable == "usable: ZID-HSM-PIN"
    assert "999999" not in done.stdout + done.stderr


def test_init_refuses_a_bad_key_label_before_touching_the_token(template, softhsm, tmp_path):
    made = installation(template, tmp_path / "label", softhsm)
    done = made.init("--key-label", "zorgid ca!")
    assert done.returncode == 1 and "ZID-CA-KEY-LABEL" in done.stderr
    assert not (made.home / "ca").exists()


# The token answers CKR_GENERAL_ERROR to the first ``failures`` listings of its tokens (as SoftHSM2 does while
# another process logs in and rewrites the token file); the signature is made once the token answers again.
TOKEN_ERRORS = """
import pkcs11
from pkcs11.exceptions import GeneralError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from zorgid.pki.ca import get_ca
from zorgid.pki.errors import HsmModuleUnavailable

failures, tried, real_lib = {failures}, [], pkcs11.lib

class Flaky:
    def __init__(self, module):
        self.real = real_lib(module)
    def get_tokens(self, **kwargs):
        tried.append(1)
        if len(tried) <= failures:
            raise GeneralError()
        return self.real.get_tokens(**kwargs)

pkcs11.lib = Flaky
ca = get_ca()
try:
    signature = ca.key.private_key.sign(b"data", ec.ECDSA(hashes.SHA256()))
    ca.issuing.public_key().verify(signature, b"data", ec.ECDSA(hashes.SHA256()))
    print("signed after", len(tried), "listings")
except HsmModuleUnavailable as failed:
    print(failed.code, "after", len(tried), "listings")
"""


@pytest.mark.parametrize(("failures", "printed"), [
    (0, "signed after 1 listings"),
    (3, "signed after 4 listings"),
    (4, "ZID-HSM-MODULE after 4 listings"),
])
def test_a_token_error_while_opening_the_session_is_tried_again_a_few_times(first, failures, printed):
    done = first.python(TOKEN_ERRORS.format(failures=failures))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == printed


# The token endpoint's ID token, signed as authlib signs it (OpenIDCode.encode_id_token: the grant extension's
# header, algorithm and private key, through authlib's key import and joserfc), with the key on the token.
ID_TOKEN_AS_AUTHLIB = """
import json
from authlib._joserfc_helpers import import_any_key
from joserfc import jwt
from zorgid.oidc import keys
from zorgid.oidc.server import ZorgidOpenIDCode

extension = ZorgidOpenIDCode("https://zorgid.test")
key = import_any_key(extension.resolve_client_private_key(None))
token = jwt.encode(extension.get_encode_header(None), {"sub": "person", "iss": "https://zorgid.test"}, key,
                   [extension.get_client_algorithm(None)])
print(json.dumps({"id_token": token, "jwks": keys.jwks(), "on_token": keys.signing_key().token_key is not None}))
"""


def test_the_token_endpoint_signs_its_id_token_with_the_key_on_the_token(first):
    done = first.python(ID_TOKEN_AS_AUTHLIB)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["on_token"] is True
    header = jwt.get_unverified_header(answer["id_token"])
    public = next(jwk for jwk in answer["jwks"]["keys"] if jwk["kid"] == header["kid"])
    claims = jwt.decode(answer["id_token"], jwt.PyJWK(public).key, algorithms=["RS256"])
    assert claims["sub"] == "person"
