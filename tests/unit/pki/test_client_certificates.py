"""pki.client_certificates: a healthcare application's TLS client certificate, a UZI server certificate of the
project's test UZI CA or a supplier's OV certificate of a CA made here with cryptography (docs/security.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.unit.pki.certificates import SUPPLIER_DN, OvCa, trusting, write_crl
from tests.unit.pki.certificates import now as _now
from tests.unit.pki.uzi.factory import make_ca
from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
from zorgid.pki import client_certificates, uzi_installation
from zorgid.pki.client_certificates import (
    OV,
    UZI_SERVER,
    check_client_certificate,
    check_ov_certificate,
    normalise_dn,
)
from zorgid.pki.errors import (
    TlsClientCrlUnusable,
    TlsClientExpired,
    TlsClientKeyUsage,
    TlsClientNotServerCertificate,
    TlsClientNotYetValid,
    TlsClientRevoked,
    TlsClientTrustStoreInvalid,
    TlsClientUntrusted,
)
from zorgid.pki.uzi.errors import UziExpired, UziRevoked, UziUntrusted

URA = "90000382"


@pytest.fixture
def trusted(settings, tmp_path, ov_ca, uzi_ca):
    """The OV CA and the test UZI CA trusted, empty CRL directories in tmp_path."""
    with trusting(settings, tmp_path, ov_ca, uzi_ca):
        yield tmp_path


def test_a_supplier_ov_certificate_passes_with_its_subject(trusted, ov_ca):
    certificate, _ = ov_ca.issue()
    checked = check_client_certificate(certificate, _now())
    assert checked.kind == OV
    assert checked.ura is None
    assert normalise_dn(checked.subject) == normalise_dn(SUPPLIER_DN)


def test_the_intermediate_may_come_with_the_leaf_only_when_the_trust_dir_has_it(settings, tmp_path, ov_ca):
    settings.ZORGID_TLS_CLIENT_TRUST_DIR = str(ov_ca.install(tmp_path / "roots-only", with_intermediate=False))
    client_certificates.forget()
    certificate, _ = ov_ca.issue()
    with pytest.raises(TlsClientUntrusted):
        check_ov_certificate(certificate, _now())
    client_certificates.forget()


def test_a_certificate_of_an_untrusted_ca_is_refused(trusted):
    certificate, _ = OvCa(name="Other").issue()
    with pytest.raises(TlsClientUntrusted) as caught:
        check_client_certificate(certificate, _now())
    assert caught.value.code == "ZID-TLS-CLIENT-UNTRUSTED"


def test_no_trust_dir_configured_trusts_no_ov_certificate(settings, ov_ca):
    settings.ZORGID_TLS_CLIENT_TRUST_DIR = None
    certificate, _ = ov_ca.issue()
    with pytest.raises(TlsClientUntrusted):
        check_ov_certificate(certificate, _now())


def test_a_missing_trust_dir_is_the_operators_error(settings, tmp_path, ov_ca):
    settings.ZORGID_TLS_CLIENT_TRUST_DIR = str(tmp_path / "missing")
    client_certificates.forget()
    certificate, _ = ov_ca.issue()
    with pytest.raises(TlsClientTrustStoreInvalid) as caught:
        check_ov_certificate(certificate, _now())
    assert caught.value.code == "ZID-TLS-CLIENT-TRUSTSTORE"
    client_certificates.forget()


def test_an_expired_and_a_not_yet_valid_certificate_are_refused(trusted, ov_ca):
    with pytest.raises(TlsClientExpired) as caught:
        check_ov_certificate(ov_ca.issue(expired=True)[0], _now())
    assert caught.value.code == "ZID-TLS-CLIENT-EXPIRED"
    with pytest.raises(TlsClientNotYetValid):
        check_ov_certificate(ov_ca.issue(not_yet_valid=True)[0], _now())


def test_an_expired_ca_on_the_way_up_is_named(settings, tmp_path):
    """As for UZI (pki.uzi.validation): a chain that fails because a CA above the issuing CA expired says so."""
    ca = OvCa(name="Verlopen")
    start = _now() - dt.timedelta(days=800)
    ca.root = make_ca(ca.root_key, "Verlopen Root CA", not_before=start, not_after=start + dt.timedelta(days=365))
    settings.ZORGID_TLS_CLIENT_TRUST_DIR = str(ca.install(tmp_path / "trust"))
    client_certificates.forget()
    with pytest.raises(TlsClientExpired) as caught:
        check_ov_certificate(ca.issue()[0], _now())
    assert caught.value.code == "ZID-TLS-CLIENT-EXPIRED" and "CA certificate" in caught.value.detail
    assert "Verlopen Root CA" in caught.value.detail
    client_certificates.forget()


def test_the_moment_decides(trusted, ov_ca):
    certificate, _ = ov_ca.issue()
    check_ov_certificate(certificate, _now() + dt.timedelta(days=300))
    with pytest.raises(TlsClientExpired):
        check_ov_certificate(certificate, _now() + dt.timedelta(days=400))


def test_a_certificate_without_client_auth_is_refused(trusted, ov_ca):
    for usages in ((ExtendedKeyUsageOID.SERVER_AUTH,), ()):
        with pytest.raises(TlsClientKeyUsage) as caught:
            check_ov_certificate(ov_ca.issue(usages=usages)[0], _now())
        assert caught.value.code == "ZID-TLS-CLIENT-KEY-USAGE"


def test_a_ca_certificate_is_not_a_client_certificate(trusted, ov_ca):
    with pytest.raises((TlsClientKeyUsage, TlsClientUntrusted)):
        check_ov_certificate(ov_ca.issuing, _now())


def test_a_revoked_certificate_is_refused_by_the_crl(trusted, ov_ca):
    revoked, _ = ov_ca.issue()
    good, _ = ov_ca.issue()
    write_crl(trusted / "tls-crl", ov_ca.crl([revoked]))
    with pytest.raises(TlsClientRevoked) as caught:
        check_ov_certificate(revoked, _now())
    assert caught.value.code == "ZID-TLS-CLIENT-REVOKED"
    assert check_ov_certificate(good, _now()).kind == OV


def test_a_crl_past_its_next_update_is_refused(trusted, ov_ca):
    certificate, _ = ov_ca.issue()
    write_crl(trusted / "tls-crl", ov_ca.crl(next_update=_now() - dt.timedelta(minutes=1)))
    with pytest.raises(TlsClientCrlUnusable) as caught:
        check_ov_certificate(certificate, _now())
    assert caught.value.code == "ZID-TLS-CLIENT-CRL"


def test_a_crl_of_another_ca_key_is_refused(trusted, ov_ca):
    certificate, _ = ov_ca.issue()
    forged = OvCa(name=ov_ca.name)  # same names, other keys
    write_crl(trusted / "tls-crl", forged.crl())
    with pytest.raises(TlsClientCrlUnusable):
        check_ov_certificate(certificate, _now())


def test_an_unreadable_crl_file_is_refused(trusted, ov_ca):
    (trusted / "tls-crl").mkdir()
    (trusted / "tls-crl" / "broken.crl").write_bytes(b"not a crl")
    with pytest.raises(TlsClientCrlUnusable):
        check_ov_certificate(ov_ca.issue()[0], _now())


def test_a_uzi_server_certificate_binds_its_ura(trusted, uzi_ca):
    server = uzi_ca.issue_server_certificate(URA, "epd.zorg.example")
    checked = check_client_certificate(server.certificate, _now())
    assert checked.kind == UZI_SERVER
    assert str(checked.ura) == URA


def test_a_uzi_server_certificate_is_checked_as_uzi_expired_revoked_untrusted(trusted, uzi_ca, tmp_path_factory):
    with pytest.raises(UziExpired):
        check_client_certificate(uzi_ca.issue_server_certificate(URA, "a.zorg.example", expired=True).certificate,
                                 _now())
    revoked = uzi_ca.issue_server_certificate(URA, "b.zorg.example").certificate
    write_crl(trusted / "uzi-crl", uzi_ca.issue_crl([revoked], issuer="server"))
    uzi_installation.forget()
    with pytest.raises(UziRevoked):
        check_client_certificate(revoked, _now())
    other_ca = ensure_test_uzi_ca(tmp_path_factory.mktemp("other-uzi-ca") / "ca")
    with pytest.raises(UziUntrusted):
        check_client_certificate(other_ca.issue_server_certificate(URA, "c.zorg.example").certificate, _now())


def test_a_uzi_card_certificate_is_not_a_server_certificate(trusted, uzi_ca):
    from zorgid.devtools import uzi_profile as profile

    holder = profile.CardHolder(card_type="Z", name="Jan Jansen", uzi_number="900012345", ura=URA,
                                role="01.015", given_name="Jan", surname="Jansen")
    card = uzi_ca.issue_card_certificate(holder, profile.CertificateKind.AUTHENTICATION,
                                         ec.generate_private_key(ec.SECP256R1()).public_key())
    with pytest.raises(TlsClientNotServerCertificate) as caught:
        check_client_certificate(card, _now())
    assert caught.value.code == "ZID-TLS-CLIENT-NOT-SERVER"


@pytest.mark.parametrize(("written", "same"), [
    ("C=NL,O=Leverancier EPD B.V.,CN=epd.leverancier.example", True),
    ("C=NL, O=Leverancier EPD B.V., CN=epd.leverancier.example", True),
    ("c=nl,o=leverancier epd b.v.,cn=EPD.leverancier.example", True),
    ("countryName=NL,organizationName=Leverancier  EPD B.V.,commonName=epd.leverancier.example", True),
    ("C=NL,O=Leverancier EPD B.V.,CN=other.leverancier.example", False),
    ("CN=epd.leverancier.example,O=Leverancier EPD B.V.,C=NL", False),  # another order is another name
    ("C=NL,O=Leverancier EPD B.V.,CN=epd.leverancier.example,OU=x", False),
])
def test_subjects_compare_after_normalising(written, same):
    assert (normalise_dn(written) == normalise_dn(SUPPLIER_DN)) is same


@pytest.mark.parametrize("bad", ["", "   ", "no equals sign", "CN=a,,O=b", None, 42, "CN=" + "a" * 2000])
def test_what_is_no_distinguished_name_normalises_to_nothing(bad):
    assert normalise_dn(bad) == ""
