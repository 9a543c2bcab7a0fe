"""The CRL builder and the certificate status it is made from (docs/security.md, "Revocation: CRL and OCSP")."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from zorgid import clock
from zorgid.pki import certificate_status
from zorgid.pki.ca import MOBILE_ID_CA, ensure_ca, get_ca
from zorgid.pki.certificate_status import Revoked, build_crl
from zorgid.pki.models import CertificateStatus, IssuedCertificate, RevocationList
from zorgid.pki.profiles import build, mobile_id_profile


@pytest.fixture
def ca(tmp_path):
    return ensure_ca(tmp_path / "ca", "acceptatie")[0]


def issue(ca, days=30, base_url="https://zorgid.example"):
    key = ec.generate_private_key(ec.SECP256R1())
    return ca.issue(build(mobile_id_profile(
        public_key=key.public_key(), identity_id="a" * 32, mobile_id="b" * 32, first_names="Jan",
        last_name="de Vries", start=clock.now() - dt.timedelta(minutes=5), days=days, base_url=base_url)))


def entries(crl: x509.CertificateRevocationList) -> dict[int, x509.ReasonFlags | None]:
    found = {}
    for entry in crl:
        try:
            found[entry.serial_number] = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        except x509.ExtensionNotFound:
            found[entry.serial_number] = None
    return found


def test_the_crl_carries_number_updates_reasons_and_the_issuing_cas_signature(ca):
    now = clock.now().replace(microsecond=0)
    crl = build_crl(ca, [Revoked(11, now, "keyCompromise"), Revoked(12, now, "certificateHold"),
                         Revoked(13, now, "unspecified")], number=7, this_update=now,
                    next_update=now + dt.timedelta(hours=6))
    assert crl.is_signature_valid(ca.issuing.public_key())
    assert crl.issuer == ca.issuing.subject
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 7
    assert (crl.last_update_utc, crl.next_update_utc) == (now, now + dt.timedelta(hours=6))
    assert entries(crl) == {11: x509.ReasonFlags.key_compromise, 12: x509.ReasonFlags.certificate_hold, 13: None}
    ski = ca.issuing.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier == ski
    assert crl.get_revoked_certificate_by_serial_number(11).revocation_date_utc == now


def test_new_certificates_name_their_crl_and_ocsp_address(ca):
    certificate = issue(ca)
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert [n.value for n in points[0].full_name] == ["https://zorgid.example/pki/crl/mobile-id.crl"]
    aia = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [(a.access_method, a.access_location.value) for a in aia] == [
        (x509.oid.AuthorityInformationAccessOID.OCSP, "https://zorgid.example/pki/ocsp")]
    without = issue(ca, base_url="")
    with pytest.raises(x509.ExtensionNotFound):
        without.extensions.get_extension_for_class(x509.CRLDistributionPoints)


def crl_now() -> x509.CertificateRevocationList:
    return x509.load_der_x509_crl(bytes(certificate_status.current_crl(MOBILE_ID_CA).der))


def number(crl) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


@pytest.mark.django_db
def test_every_status_change_writes_the_next_crl_in_its_transaction():
    ca = get_ca()
    one, two = issue(ca), issue(ca)
    for certificate in (one, two):
        certificate_status.record_issued(MOBILE_ID_CA, certificate)
    first = crl_now()
    assert entries(first) == {} and first.is_signature_valid(ca.issuing.public_key())
    serial = certificate_status.serial_hex(one.serial_number)
    assert certificate_status.hold(MOBILE_ID_CA, [serial]) == 1
    held = crl_now()
    assert number(held) == number(first) + 1
    assert entries(held) == {one.serial_number: x509.ReasonFlags.certificate_hold}
    assert certificate_status.release(MOBILE_ID_CA, [serial]) == 1
    released = crl_now()
    assert entries(released) == {} and number(released) == number(held) + 1
    assert certificate_status.revoke(MOBILE_ID_CA, [serial], reason="keyCompromise") == 1
    assert entries(crl_now()) == {one.serial_number: x509.ReasonFlags.key_compromise}
    # a revoke is final: no hold, no release, no second revoke changes it (nor the CRL's number)
    before = number(crl_now())
    assert certificate_status.hold(MOBILE_ID_CA, [serial]) == 0
    assert certificate_status.release(MOBILE_ID_CA, [serial]) == 0
    assert certificate_status.revoke(MOBILE_ID_CA, [serial]) == 0
    assert number(crl_now()) == before
    assert IssuedCertificate.objects.get(serial=serial).status == CertificateStatus.REVOKED


@pytest.mark.django_db
def test_a_held_certificate_can_be_revoked_for_good():
    certificate = issue(get_ca())
    certificate_status.record_issued(MOBILE_ID_CA, certificate, held=True)
    assert entries(crl_now()) == {certificate.serial_number: x509.ReasonFlags.certificate_hold}
    certificate_status.revoke(MOBILE_ID_CA, [certificate_status.serial_hex(certificate.serial_number)])
    assert entries(crl_now()) == {certificate.serial_number: None}  # unspecified: no reason code


@pytest.mark.django_db
def test_the_stored_crl_is_made_anew_after_the_refresh_interval_and_leaves_expired_certificates_off(settings):
    certificate = issue(get_ca(), days=1)
    certificate_status.record_issued(MOBILE_ID_CA, certificate)
    certificate_status.revoke(MOBILE_ID_CA, [certificate_status.serial_hex(certificate.serial_number)])
    first = crl_now()
    assert certificate.serial_number in entries(first)
    clock.move(dt.timedelta(hours=settings.ZORGID_CRL_REFRESH_HOURS - 1))
    assert number(crl_now()) == number(first)  # still fresh: the same CRL
    clock.move(dt.timedelta(hours=1, seconds=1))
    again = crl_now()
    assert number(again) == number(first) + 1 and again.last_update_utc > first.last_update_utc
    assert again.next_update_utc - again.last_update_utc == dt.timedelta(hours=settings.ZORGID_CRL_VALIDITY_HOURS)
    clock.move(dt.timedelta(days=1))
    certificate_status.regenerate_crl(MOBILE_ID_CA)
    assert entries(crl_now()) == {}  # expired: left off
    assert RevocationList.objects.get().number == number(again) + 1


@pytest.mark.django_db
def test_unknown_cas_and_reasons_are_refused():
    with pytest.raises(certificate_status.UnknownAuthority):
        certificate_status.current_crl("nope")
    with pytest.raises(ValueError, match="not a reason"):
        certificate_status.revoke(MOBILE_ID_CA, ["ab"], reason="certificateHold")
    with pytest.raises(ValueError, match="not a reason"):
        certificate_status.revoke(MOBILE_ID_CA, ["ab"], reason="because")
