"""Validation against the trust store: the real test card in and out of its validity, and each refusal."""

import dataclasses
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from zorgid.pki.uzi import default_trust_dir, load_certificate, load_trust_store, validate_uzi_certificate
from zorgid.pki.uzi.errors import UziExpired, UziKeyUsage, UziNotYetValid, UziPolicy, UziUntrusted

from .conftest import vector
from .factory import AT, PROD_AUTH_POLICY, START, TEST_SIGNATURE_POLICY, LeafSpec, make_ca, make_leaf, write_trust_dir

IN_2019 = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def acceptatie():
    return load_trust_store(default_trust_dir("acceptatie"), "acceptatie")


def jan(name="jan-authenticiteit.cer"):
    return load_certificate(vector(name))


def test_the_real_authentication_certificate_is_valid_inside_its_validity(acceptatie):
    attributes = validate_uzi_certificate(jan(), acceptatie, IN_2019)
    assert (attributes.uzi_number, attributes.ura, attributes.role) == ("900016528", "90000382", "01.000")


def test_the_real_certificate_is_refused_as_expired_later(acceptatie):
    with pytest.raises(UziExpired, match="expired on 12-07-2020") as refused:
        validate_uzi_certificate(jan(), acceptatie, LATER)
    assert refused.value.code == "ZID-UZI-EXPIRED"


def test_the_real_certificate_is_not_yet_valid_before_it_was_issued(acceptatie):
    with pytest.raises(UziNotYetValid) as refused:
        validate_uzi_certificate(jan(), acceptatie, dt.datetime(2017, 7, 1, tzinfo=dt.UTC))
    assert refused.value.code == "ZID-UZI-NOT-YET-VALID"


def test_the_signature_certificate_is_refused_for_authentication(acceptatie):
    with pytest.raises(UziKeyUsage, match="digital_signature") as refused:
        validate_uzi_certificate(jan("jan-handtekening.cer"), acceptatie, IN_2019)
    assert refused.value.code == "ZID-UZI-KEY-USAGE"
    assert validate_uzi_certificate(jan("jan-handtekening.cer"), acceptatie, IN_2019, purpose="signature")


def test_the_confidentiality_certificate_fits_only_confidentiality(acceptatie):
    cert = jan("jan-vertrouwelijkheid.cer")
    assert validate_uzi_certificate(cert, acceptatie, IN_2019, purpose="confidentiality")
    with pytest.raises(UziKeyUsage):
        validate_uzi_certificate(cert, acceptatie, IN_2019, purpose="signature")


def test_a_test_card_is_untrusted_in_productie():
    productie = load_trust_store(default_trust_dir("productie"), "productie")
    with pytest.raises(UziUntrusted) as refused:
        validate_uzi_certificate(jan(), productie, IN_2019)
    assert refused.value.code == "ZID-UZI-UNTRUSTED"


def test_intermediates_sent_with_the_card_complete_the_chain(tmp_path):
    (tmp_path / "root.cer").write_bytes(vector("test-zorg-csp-root-ca-g3.cer"))
    root_only = load_trust_store(tmp_path, "acceptatie")
    with pytest.raises(UziUntrusted):
        validate_uzi_certificate(jan(), root_only, IN_2019)
    sent = [jan("test-zorg-csp-level2-persoon-ca-g3.cer"), jan("test-uzi-register-zorgverlener-ca-g3.cer")]
    assert validate_uzi_certificate(jan(), root_only, IN_2019, extra_intermediates=sent).uzi_number == "900016528"


def test_a_self_made_uzi_certificate_is_valid_when_its_root_is_trusted(hierarchy):
    attributes = validate_uzi_certificate(hierarchy.leaf(), hierarchy.store, AT)
    assert (attributes.card_type, attributes.role_name) == ("Z", "Arts – huisarts")


def test_a_certificate_of_an_untrusted_ca_is_refused(keys, hierarchy):
    stranger = make_ca(keys.other, name="Test UZI Root CA")  # same name, other key
    cert = make_leaf(LeafSpec(), keys.leaf, stranger, keys.other)
    with pytest.raises(UziUntrusted):
        validate_uzi_certificate(cert, hierarchy.store, AT)


def test_an_expired_intermediate_is_refused_as_expired(keys, hierarchy):
    intermediate = make_ca(keys.other, name="Test UZI Zorgverlener CA", issuer=hierarchy.root, issuer_key=keys.root,
                           not_after=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    cert = make_leaf(LeafSpec(), keys.leaf, intermediate, keys.other)
    assert validate_uzi_certificate(cert, hierarchy.store, START + dt.timedelta(days=30),
                                    extra_intermediates=[intermediate])
    with pytest.raises(UziExpired, match="CA certificate .*Zorgverlener CA"):
        validate_uzi_certificate(cert, hierarchy.store, AT, extra_intermediates=[intermediate])


def test_an_authentication_certificate_needs_client_auth(hierarchy):
    spec = LeafSpec(extended_key_usages=(ExtendedKeyUsageOID.EMAIL_PROTECTION,))
    with pytest.raises(UziKeyUsage, match="1.3.6.1.5.5.7.3.2"):
        validate_uzi_certificate(hierarchy.leaf(spec), hierarchy.store, AT)
    with pytest.raises(UziKeyUsage, match="extendedKeyUsage"):
        validate_uzi_certificate(hierarchy.leaf(LeafSpec(extended_key_usages=())), hierarchy.store, AT)


@pytest.mark.parametrize(("spec", "purpose", "detail"), [
    (LeafSpec(policies=(PROD_AUTH_POLICY,)), "authentication", "lack 2.16.528.1.1007.99.211"),
    (LeafSpec(policies=()), "authentication", r"policies \[\] lack"),
    (LeafSpec(policies=(TEST_SIGNATURE_POLICY,)), "authentication", "lack 2.16.528.1.1007.99.211"),
    (LeafSpec(card_type="M", role="00.000", usage="signature", policies=(TEST_SIGNATURE_POLICY,)), "signature",
     "card type M has no certificate for signature"),
])
def test_the_policy_must_fit_card_type_purpose_and_environment(hierarchy, spec, purpose, detail):
    with pytest.raises(UziPolicy, match=detail) as refused:
        validate_uzi_certificate(hierarchy.leaf(spec), hierarchy.store, AT, purpose=purpose)
    assert refused.value.code == "ZID-UZI-POLICY"


def test_a_test_policy_is_refused_in_productie_even_under_a_trusted_root(hierarchy):
    productie = load_trust_store(hierarchy.trust_dir, "productie")
    with pytest.raises(UziPolicy, match="2.16.528.1.1003.1.2.5.1"):
        validate_uzi_certificate(hierarchy.leaf(), productie, AT)
    real = dataclasses.replace(LeafSpec(), policies=(PROD_AUTH_POLICY,), ca_oid="2.16.528.1.1003.1.3.5.5.2")
    assert validate_uzi_certificate(hierarchy.leaf(real), productie, AT)


def test_an_unknown_critical_extension_is_refused(keys, hierarchy):
    leaf = hierarchy.leaf()
    builder = (x509.CertificateBuilder().subject_name(leaf.subject).issuer_name(leaf.issuer)
               .public_key(leaf.public_key()).serial_number(leaf.serial_number)
               .not_valid_before(leaf.not_valid_before_utc).not_valid_after(leaf.not_valid_after_utc))
    for extension in leaf.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00")
    cert = builder.add_extension(unknown, critical=True).sign(keys.root, hashes.SHA256())
    with pytest.raises(UziUntrusted, match="unaccounted-for critical extensions"):
        validate_uzi_certificate(cert, hierarchy.store, AT)


def test_time_must_be_aware_and_the_purpose_known(hierarchy):
    with pytest.raises(ValueError):
        validate_uzi_certificate(hierarchy.leaf(), hierarchy.store, AT.replace(tzinfo=None))
    with pytest.raises(ValueError):
        validate_uzi_certificate(hierarchy.leaf(), hierarchy.store, AT, purpose="login")


def test_a_trust_dir_written_by_the_factory_is_a_trust_store(keys, tmp_path):
    directory = write_trust_dir(tmp_path / "uzi", make_ca(keys.root))
    assert len(load_trust_store(directory, "acceptatie").roots) == 1
