"""The OCSP responder (RFC 6960; docs/security.md, "Revocation: CRL and OCSP"): answers built and read back with
cryptography, the delegated responder certificate, malformed requests."""

import datetime as dt
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp as x509_ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.unit.pki.test_crl import issue
from zorgid import clock
from zorgid.pki import certificate_status, ocsp
from zorgid.pki.ca import MOBILE_ID_CA, get_ca

pytestmark = pytest.mark.django_db


def request(certificate, algorithm=hashes.SHA1(), nonce: bytes | None = b"0123456789abcdef", issuer=None) -> bytes:
    builder = x509_ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer or get_ca().issuing, algorithm)
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def ask(der: bytes) -> x509_ocsp.OCSPResponse:
    return x509_ocsp.load_der_ocsp_response(ocsp.respond(der))


@pytest.fixture
def certificate():
    issued = issue(get_ca())
    certificate_status.record_issued(MOBILE_ID_CA, issued)
    return issued


def signed_by_responder(answer: x509_ocsp.OCSPResponse) -> x509.Certificate:
    [responder] = answer.certificates
    responder.public_key().verify(answer.signature, answer.tbs_response_bytes,
                                  ec.ECDSA(answer.signature_hash_algorithm))
    return responder


@pytest.mark.parametrize("algorithm", [hashes.SHA1(), hashes.SHA256()])
def test_good_then_held_then_good_then_revoked_with_time_and_reason(certificate, algorithm):
    serial = certificate_status.serial_hex(certificate.serial_number)
    answer = ask(request(certificate, algorithm))
    assert answer.response_status == x509_ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == x509_ocsp.OCSPCertStatus.GOOD
    assert answer.serial_number == certificate.serial_number and isinstance(answer.hash_algorithm, type(algorithm))
    assert answer.next_update_utc - answer.this_update_utc == ocsp.ANSWER_VALIDITY
    certificate_status.hold(MOBILE_ID_CA, [serial])
    held = ask(request(certificate, algorithm))
    assert (held.certificate_status, held.revocation_reason) == (
        x509_ocsp.OCSPCertStatus.REVOKED, x509.ReasonFlags.certificate_hold)
    certificate_status.release(MOBILE_ID_CA, [serial])
    assert ask(request(certificate, algorithm)).certificate_status == x509_ocsp.OCSPCertStatus.GOOD
    at = clock.now().replace(microsecond=0)
    certificate_status.revoke(MOBILE_ID_CA, [serial], reason="keyCompromise", at=at)
    revoked = ask(request(certificate, algorithm))
    assert (revoked.certificate_status, revoked.revocation_time_utc, revoked.revocation_reason) == (
        x509_ocsp.OCSPCertStatus.REVOKED, at, x509.ReasonFlags.key_compromise)


def test_the_answer_is_signed_by_a_delegated_responder_the_ca_issued_and_echoes_the_nonce(certificate):
    answer = ask(request(certificate, nonce=b"n" * 32))
    responder = signed_by_responder(answer)
    ca = get_ca()
    assert responder.issuer == ca.issuing.subject
    ca.issuing.public_key().verify(responder.signature, responder.tbs_certificate_bytes,
                                   ec.ECDSA(responder.signature_hash_algorithm))
    assert responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.OCSP_SIGNING])
    assert responder.extensions.get_extension_for_class(x509.OCSPNoCheck)
    assert responder.not_valid_after_utc - responder.not_valid_before_utc <= dt.timedelta(days=ocsp.RESPONDER_DAYS)
    assert answer.responder_key_hash == x509.SubjectKeyIdentifier.from_public_key(responder.public_key()).digest
    assert answer.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"n" * 32
    no_nonce = ask(request(certificate, nonce=None))
    with pytest.raises(x509.ExtensionNotFound):
        no_nonce.extensions.get_extension_for_class(x509.OCSPNonce)


def test_the_responder_key_is_owner_only_and_renewed_before_it_ends(settings, certificate):
    first = signed_by_responder(ask(request(certificate)))
    key_file = Path(settings.ZORGID_HOME) / "ca" / f"ocsp-{MOBILE_ID_CA}.key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    clock.move(first.not_valid_after_utc - clock.now() - ocsp.RENEW_BEFORE + dt.timedelta(seconds=1))
    renewed = signed_by_responder(ask(request(certificate)))
    assert renewed.serial_number != first.serial_number and renewed.not_valid_after_utc > first.not_valid_after_utc
    assert certificate_status.status_of(MOBILE_ID_CA, renewed.serial_number).status == "good"  # recorded as issued


def test_an_unknown_serial_is_unknown_and_a_foreign_issuer_unauthorized(tmp_path):
    from zorgid.pki.ca import ensure_ca

    not_recorded = issue(get_ca())
    assert ask(request(not_recorded)).certificate_status == x509_ocsp.OCSPCertStatus.UNKNOWN
    foreign = ensure_ca(tmp_path / "other", "acceptatie")[0]
    answer = ask(request(issue(foreign), issuer=foreign.issuing))
    assert answer.response_status == x509_ocsp.OCSPResponseStatus.UNAUTHORIZED


@pytest.mark.parametrize("der", [b"", b"\x30\x00", b"not der at all", b"\x30" * 20000, "text"])
def test_malformed_requests_get_malformed_request(der):
    assert ask(der).response_status == x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST
