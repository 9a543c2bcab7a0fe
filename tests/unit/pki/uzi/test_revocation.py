"""Revocation through CRLs made here for a self-made UZI-profile hierarchy."""

import dataclasses
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from zorgid.pki.uzi import CrlCache, validate_uzi_certificate
from zorgid.pki.uzi.errors import UziCrlUnusable, UziRevoked
from zorgid.pki.uzi.revocation import check_crl, load_crl

from .factory import AT, START, LeafSpec, make_ca, make_crl

SERIAL = 0x5A17_0001
REVOKED_ON = START + dt.timedelta(days=100)


@pytest.fixture(scope="module")
def cert(hierarchy):
    return hierarchy.leaf(dataclasses.replace(LeafSpec(), serial_number=SERIAL))


def cache_with(*crls: bytes, fetch=None) -> CrlCache:
    cache = CrlCache(fetch)
    for data in crls:
        cache.add(data)
    return cache


def test_a_certificate_on_the_crl_is_revoked(hierarchy, cert):
    crl = make_crl(hierarchy.root, hierarchy.keys.root, {SERIAL: REVOKED_ON, 77: REVOKED_ON})
    with pytest.raises(UziRevoked, match=f"{SERIAL:X} revoked on") as refused:
        validate_uzi_certificate(cert, hierarchy.store, AT, crls=cache_with(crl))
    assert refused.value.code == "ZID-UZI-REVOKED"


def test_a_certificate_not_on_the_crl_is_valid(hierarchy, cert):
    crl = make_crl(hierarchy.root, hierarchy.keys.root, {77: REVOKED_ON},
                   encoding=serialization.Encoding.PEM)
    assert validate_uzi_certificate(cert, hierarchy.store, AT, crls=cache_with(crl)).uzi_number == "900000001"


def test_a_revocation_after_the_moment_checked_does_not_count(hierarchy, cert):
    crl = make_crl(hierarchy.root, hierarchy.keys.root, {SERIAL: AT + dt.timedelta(minutes=30)})
    assert validate_uzi_certificate(cert, hierarchy.store, AT, crls=cache_with(crl))


def test_a_crl_past_its_next_update_is_unusable(hierarchy, cert):
    crl = make_crl(hierarchy.root, hierarchy.keys.root, {77: REVOKED_ON})
    with pytest.raises(UziCrlUnusable, match="past its nextUpdate") as refused:
        validate_uzi_certificate(cert, hierarchy.store, AT + dt.timedelta(hours=48), crls=cache_with(crl))
    assert refused.value.code == "ZID-UZI-CRL"


def test_a_crl_signed_by_another_key_is_unusable(hierarchy, cert):
    crl = make_crl(hierarchy.root, hierarchy.keys.other, {})
    with pytest.raises(UziCrlUnusable, match="signature does not verify"):
        validate_uzi_certificate(cert, hierarchy.store, AT, crls=cache_with(crl))


def test_a_crl_of_another_issuer_is_not_used(hierarchy, cert, keys):
    other = make_ca(keys.other, name="Another CA")
    crl = make_crl(other, keys.other, {SERIAL: REVOKED_ON})
    assert validate_uzi_certificate(cert, hierarchy.store, AT, crls=cache_with(crl))
    with pytest.raises(UziCrlUnusable, match="is not of"):
        check_crl(load_crl(crl), hierarchy.root, AT, is_ca=False)


def test_a_delta_crl_is_unusable_on_its_own(hierarchy):
    delta = (x509.CertificateRevocationListBuilder().issuer_name(hierarchy.root.subject)
             .last_update(AT - dt.timedelta(hours=1)).next_update(AT + dt.timedelta(hours=1))
             .add_extension(x509.DeltaCRLIndicator(1), critical=True).sign(hierarchy.keys.root, hashes.SHA256()))
    with pytest.raises(UziCrlUnusable, match="delta"):
        check_crl(delta, hierarchy.root, AT, False)


@pytest.mark.parametrize("data", [b"", b"not a crl", b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"])
def test_unreadable_crl_data_is_unusable(data):
    with pytest.raises(UziCrlUnusable):
        CrlCache().add(data)


def test_the_cache_keeps_the_newest_crl_of_an_issuer(hierarchy):
    newer = make_crl(hierarchy.root, hierarchy.keys.root, {1: REVOKED_ON})
    older = make_crl(hierarchy.root, hierarchy.keys.root, {}, this_update=AT - dt.timedelta(hours=5))
    cache = cache_with(newer, older)
    kept = cache.crl_for(None, hierarchy.root, AT)
    assert kept.get_revoked_certificate_by_serial_number(1) is not None


def test_a_stale_crl_is_fetched_anew_and_the_fresh_one_served_until_its_next_update(hierarchy, cert):
    """The seam for a later HTTP fetcher: ``fetch(certificate, issuer)`` returns CRL bytes or None."""
    later = AT + dt.timedelta(hours=50)
    fresh = make_crl(hierarchy.root, hierarchy.keys.root, {SERIAL: REVOKED_ON}, this_update=later,
                     next_update=later + dt.timedelta(hours=48))
    calls = []

    def fetch(certificate, issuer):
        calls.append((certificate.serial_number, issuer.subject))
        return fresh

    cache = cache_with(make_crl(hierarchy.root, hierarchy.keys.root, {}), fetch=fetch)
    assert validate_uzi_certificate(cert, hierarchy.store, AT, crls=cache)
    assert calls == []
    for _ in range(2):
        with pytest.raises(UziRevoked):
            validate_uzi_certificate(cert, hierarchy.store, later, crls=cache)
    assert calls == [(SERIAL, hierarchy.root.subject)]


def test_a_fetcher_without_an_answer_leaves_the_stale_crl_to_be_refused(hierarchy, cert):
    cache = cache_with(make_crl(hierarchy.root, hierarchy.keys.root, {}), fetch=lambda certificate, issuer: None)
    with pytest.raises(UziCrlUnusable):
        validate_uzi_certificate(cert, hierarchy.store, AT + dt.timedelta(hours=50), crls=cache)
