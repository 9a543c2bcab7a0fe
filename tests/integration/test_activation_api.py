"""Activation over HTTP (R-CRED-MOBILE, R-CONST-REG): one transaction, nothing stored on a refusal."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.conftest import make_csr, public_der
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import ActivationCode, KeyShare, MobileId
from zorgid.protocol.messages import ACTIVATIONS_PATH, APP_VERSION, b64encode

pytestmark = pytest.mark.django_db
DEVICE_KEY = ec.generate_private_key(ec.SECP256R1())
# what the app sends besides code and CSR: the PIN proof and its device key's public key
APP = {"v": APP_VERSION, "pin_proof": b64encode(bytes(range(32))), "device_key": b64encode(public_der(DEVICE_KEY))}


def post(client, body):
    return client.post(ACTIVATIONS_PATH, body, content_type="application/json")


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["cause"]["nl"] and body["error"]["solution"]["en"]


def test_activation_issues_a_certificate_for_the_csr_key(client, operator):
    key, csr = make_csr()
    response = post(client, {**APP, "code": operator.code, "csr": csr})
    assert response.status_code == 201
    body = response.json()
    cert = x509.load_pem_x509_certificate(body["certificate"].encode())
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    assert body["holder"] == {"first_names": "Jan Willem", "last_name": "de Vries", "birth_date": "12-03-1975"}
    assert body["server"] == "http://testserver"
    chain = [x509.load_pem_x509_certificate(pem.encode()) for pem in body["chain"]]
    cert.verify_directly_issued_by(chain[0])
    stored = MobileId.objects.get(id=body["mobile_id"])
    assert stored.person == operator.person and stored.status == "active"
    assert ActivationCode.objects.get(person=operator.person).used_at is not None
    assert AuditEvent.objects.filter(event="mobile_id.activated", subject=f"mobile_id:{stored.id}").exists()
    assert KeyShare.objects.get(mobile_id=stored).device_key == APP["device_key"]


def test_an_older_app_without_a_pin_proof_or_device_key_is_refused_and_the_code_stays_usable(client, operator):
    """Version 1 had no key share: its key would open with the PIN alone; version 2 no device key, so anyone who
    knew the Mobile ID's id could spend its PIN tries (docs/security.md)."""
    response = post(client, {"v": 1, "code": operator.code, "csr": make_csr()[1]})
    assert_error(response, 400, "ZID-REQUEST-MALFORMED")
    assert "bij" in response.json()["error"]["solution"]["nl"]  # "Werk de ZORG-ID app bij"
    without_proof = {"v": APP_VERSION, "code": operator.code, "csr": make_csr()[1],
                     "device_key": APP["device_key"]}
    assert_error(post(client, without_proof), 400, "ZID-REQUEST-MALFORMED")
    version_2 = {"v": 2, "code": operator.code, "csr": make_csr()[1], "pin_proof": APP["pin_proof"]}
    response = post(client, version_2)
    assert_error(response, 400, "ZID-REQUEST-MALFORMED")
    assert "bij" in response.json()["error"]["solution"]["nl"]
    assert_error(post(client, {**version_2, "v": APP_VERSION}), 400, "ZID-REQUEST-MALFORMED")
    assert MobileId.objects.count() == 0
    assert post(client, {**APP, "code": operator.code, "csr": make_csr()[1]}).status_code == 201


def test_a_used_code_is_refused_and_nothing_more_is_stored(client, operator):
    assert post(client, {**APP, "code": operator.code, "csr": make_csr()[1]}).status_code == 201
    assert_error(post(client, {**APP, "code": operator.code, "csr": make_csr()[1]}), 409, "ZID-ACTIVATION-USED")
    assert MobileId.objects.count() == 1


def test_an_unknown_code_is_refused(client, operator):
    assert_error(post(client, {**APP, "code": "x" * 32, "csr": make_csr()[1]}), 404, "ZID-ACTIVATION-UNKNOWN")
    assert MobileId.objects.count() == 0


def test_the_code_is_valid_ten_days(client, operator):
    clock.move(dt.timedelta(days=10, seconds=-5))
    assert post(client, {**APP, "code": operator.code, "csr": make_csr()[1]}).status_code == 201


def test_an_expired_code_is_refused(client, operator):
    clock.move(dt.timedelta(days=10, seconds=1))
    assert_error(post(client, {**APP, "code": operator.code, "csr": make_csr()[1]}), 410, "ZID-ACTIVATION-EXPIRED")
    assert MobileId.objects.count() == 0
    assert ActivationCode.objects.get().used_at is None
    assert AuditEvent.objects.filter(event="activation.refused").exists()


def _csr_signed_by(key, public_of=None):
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")]))
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize("csr, code", [
    ("garbage", "ZID-CSR-MALFORMED"),
    (_csr_signed_by(rsa.generate_private_key(65537, 2048)), "ZID-CSR-KEY"),
    (_csr_signed_by(ec.generate_private_key(ec.SECP384R1())), "ZID-CSR-KEY"),
])
def test_bad_csrs_are_refused_and_the_code_stays_usable(client, operator, csr, code):
    assert_error(post(client, {**APP, "code": operator.code, "csr": csr}), 400, code)
    assert MobileId.objects.count() == 0
    assert post(client, {**APP, "code": operator.code, "csr": make_csr()[1]}).status_code == 201


@pytest.mark.parametrize("device_key", [
    "AAAA",
    b64encode(rsa.generate_private_key(65537, 2048).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)),
    b64encode(ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)),
    "A" * 199,
])
def test_a_device_key_that_is_no_p256_public_key_is_refused_and_the_code_stays_usable(client, operator, device_key):
    assert_error(post(client, {**APP, "device_key": device_key, "code": operator.code, "csr": make_csr()[1]}), 400,
                 "ZID-REQUEST-MALFORMED")
    assert MobileId.objects.count() == 0 and ActivationCode.objects.get().used_at is None


def test_the_device_key_must_not_be_the_mobile_ids_key(client, operator):
    key, csr = make_csr()
    response = post(client, {**APP, "device_key": b64encode(public_der(key)), "code": operator.code, "csr": csr})
    assert_error(response, 400, "ZID-REQUEST-MALFORMED")
    assert "of its own" in response.json()["error"]["detail"]
    assert MobileId.objects.count() == 0


def test_a_csr_with_a_broken_signature_is_refused(client, operator):
    _, pem = make_csr()
    csr = x509.load_pem_x509_csr(pem.encode())
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    der[-3] ^= 0x01
    try:
        broken = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()
    except ValueError:
        pytest.skip("flipped byte made the DER unreadable")
    response = post(client, {**APP, "code": operator.code, "csr": broken})
    assert response.json()["error"]["code"] in ("ZID-CSR-SIGNATURE", "ZID-CSR-MALFORMED")
    assert MobileId.objects.count() == 0


@pytest.mark.parametrize("body", [
    {},
    {"v": APP_VERSION},
    {"v": APP_VERSION, "code": "x" * 32, "csr": "x"},
    {**APP, "pin_proof": "AAAA", "code": "x" * 32, "csr": "x"},
    {**APP, "code": "x" * 65, "csr": "x"},
    {**APP, "code": ["x"], "csr": "x"},
    {**APP, "code": "x" * 32, "csr": "x" * 5000},
])
def test_malformed_bodies_are_refused_with_the_error_shape(client, operator, body):
    assert_error(post(client, body), 400, "ZID-REQUEST-MALFORMED")


def test_non_json_and_huge_bodies_are_refused(client, operator):
    response = client.post(ACTIVATIONS_PATH, "code=x", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "ZID-MEDIA-TYPE")
    response = client.post(ACTIVATIONS_PATH, "{" * 10, content_type="application/json")
    assert_error(response, 400, "ZID-REQUEST-MALFORMED")
    huge = '{"v":1,"code":"' + "x" * 200_000 + '"}'
    assert_error(client.post(ACTIVATIONS_PATH, huge, content_type="application/json"), 413, "ZID-REQUEST-TOO-LARGE")
    assert_error(client.post(ACTIVATIONS_PATH, '{"v": NaN}', content_type="application/json"), 400,
                 "ZID-REQUEST-MALFORMED")
    assert_error(client.post(ACTIVATIONS_PATH, b"\xff\xfe", content_type="application/json"), 400,
                 "ZID-REQUEST-MALFORMED")


@pytest.mark.parametrize("code", ["렲" * 20, "code with spaces and more", "x" * 10])
def test_codes_of_the_wrong_form_are_unknown(client, operator, code):
    assert_error(post(client, {**APP, "code": code, "csr": make_csr()[1]}), 404, "ZID-ACTIVATION-UNKNOWN")
