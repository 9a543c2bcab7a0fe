"""Verifying a signed document and matching it with its application (R-FLOW-APPLY step 3)."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization

from zorgid.orgdoc import check_matches_application, sign, verify_document
from zorgid.orgdoc.errors import ContentMismatch, ReferenceMismatch, UraMismatch
from zorgid.pki.uzi import CrlCache, load_trust_store
from zorgid.pki.uzi.errors import UziPolicy, UziRevoked

from .factory import KVK, NAME, OTHER_URA, REFERENCE, URA, document, unsigned

APPLICATION = {"reference": REFERENCE, "ura": URA, "name": NAME, "kvk": KVK}


def test_a_signed_document_verifies_and_says_who_signed(kit):
    verified = verify_document(kit.signed, kit.store, kit.now)
    assert verified.document == document()
    assert verified.signer.card_type == "S" and verified.signer.ura == URA
    assert verified.signer.permanent_identifier == URA
    assert verified.certificate == kit.server.certificate
    assert verified.digest_algorithm == "http://www.w3.org/2001/04/xmlenc#sha256"
    check_matches_application(verified, **APPLICATION)


def test_names_match_regardless_of_case_and_spacing(kit):
    verified = verify_document(kit.signed, kit.store, kit.now)
    check_matches_application(verified, **{**APPLICATION, "name": "  huisartsenpraktijk   de LINDE "})


@pytest.mark.parametrize(("change", "error"), [
    ({"reference": "ZID-2026-ZZZZ2345"}, ReferenceMismatch),
    ({"ura": OTHER_URA}, UraMismatch),
    ({"name": "Tandartspraktijk De Eik"}, ContentMismatch),
    ({"kvk": "87654321"}, ContentMismatch),
])
def test_a_document_of_another_application_is_refused(kit, change, error):
    verified = verify_document(kit.signed, kit.store, kit.now)
    with pytest.raises(error):
        check_matches_application(verified, **{**APPLICATION, **change})


def test_a_certificate_of_another_ura_does_not_match_the_application(kit):
    other = kit.ca.issue_server_certificate(OTHER_URA, "ander.zorg.example")
    verified = verify_document(sign(unsigned(ura=OTHER_URA), other.key, other.certificate), kit.store, kit.now)
    with pytest.raises(UraMismatch, match="certificaat URA 90000999, aanvraag URA 90000382"):
        check_matches_application(verified, **APPLICATION)


def test_only_the_signed_content_is_read_comments_cannot_truncate_a_value(kit):
    """A comment in a value survives exclusive c14n without comments; the value read is the signed one."""
    tricked = kit.signed.replace(NAME.encode(), b"Huisartsen<!-- De Eik -->praktijk De Linde")
    assert tricked != kit.signed
    assert verify_document(tricked, kit.store, kit.now).document.name == NAME


def test_a_revoked_certificate_is_refused_when_a_crl_is_known(kit):
    revoked = kit.ca.issue_server_certificate(URA, "ingetrokken.zorg.example")
    signed = sign(unsigned(), revoked.key, revoked.certificate)
    crls = CrlCache()
    crls.add(kit.ca.issue_crl([revoked.certificate], issuer="server").public_bytes(serialization.Encoding.DER))
    assert verify_document(kit.signed, kit.store, kit.now, crls=crls).signer.ura == URA
    with pytest.raises(UziRevoked):
        verify_document(signed, kit.store, kit.now, crls=crls)


def test_a_test_certificate_is_not_trusted_in_productie(kit):
    productie = load_trust_store(kit.ca.trust_dir, "productie")
    with pytest.raises(UziPolicy):
        verify_document(kit.signed, productie, kit.now)


def test_time_must_be_aware(kit):
    with pytest.raises(ValueError):
        verify_document(kit.signed, kit.store, dt.datetime(2026, 1, 1))
