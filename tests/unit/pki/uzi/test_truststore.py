"""The trust store is a directory of CA certificates (configuration, not code)."""

import pytest
from cryptography.hazmat.primitives import serialization

from zorgid.pki.uzi import default_trust_dir, load_certificate, load_trust_store
from zorgid.pki.uzi.errors import UziTrustStoreInvalid
from zorgid.pki.uzi.truststore import is_self_signed

from .conftest import vector
from .factory import make_ca, pem


def _common_names(certificates):
    return sorted(c.subject.rfc4514_string().split(",")[0] for c in certificates)


def test_acceptatie_trusts_the_uzi_registers_test_chains():
    store = load_trust_store(default_trust_dir("acceptatie"), "acceptatie")
    assert store.environment == "acceptatie"
    assert _common_names(store.roots) == ["CN=TEST Zorg CSP Private Root CA G1", "CN=TEST Zorg CSP Root CA G3"]
    assert _common_names(store.intermediates) == [
        "CN=TEST UZI-register Private Server CA G1", "CN=TEST UZI-register Zorgverlener CA G3",
        "CN=TEST Zorg CSP Level 2 Persoon CA G3", "CN=TEST Zorg CSP Level 2 Private Services CA G1",
    ]


def test_productie_ships_only_the_production_server_chain():
    store = load_trust_store(default_trust_dir("productie"), "productie")
    assert _common_names(store.roots) == ["CN=Staat der Nederlanden Private Root CA - G1"]
    assert len(store.intermediates) == 2
    assert (default_trust_dir("productie") / "README.md").is_file()


def test_an_unknown_environment_is_a_programming_error():
    with pytest.raises(ValueError):
        default_trust_dir("test")


def test_pem_der_bundles_duplicates_and_other_files(tmp_path):
    root = vector("test-zorg-csp-root-ca-g3.cer")
    (tmp_path / "root.CER").write_bytes(root)
    (tmp_path / "copy.pem").write_bytes(root)
    (tmp_path / "chain.crt").write_bytes(vector("test-private-server-ca-chain-g1.pem"))
    der = load_certificate(vector("test-zorg-csp-level2-persoon-ca-g3.cer")).public_bytes(serialization.Encoding.DER)
    (tmp_path / "level2.cer").write_bytes(der)
    (tmp_path / "README.md").write_text("not a certificate")
    (tmp_path / "notes.txt").write_text("not a certificate")
    store = load_trust_store(tmp_path, "productie")
    assert len(store.roots) == 2 and len(store.intermediates) == 3
    assert store.directory == tmp_path


def test_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(UziTrustStoreInvalid, match="does not exist"):
        load_trust_store(tmp_path / "nowhere", "acceptatie")


def test_a_directory_without_a_root_is_refused(tmp_path):
    (tmp_path / "ca.cer").write_bytes(vector("test-uzi-register-zorgverlener-ca-g3.cer"))
    with pytest.raises(UziTrustStoreInvalid, match="no self-signed root") as refused:
        load_trust_store(tmp_path, "acceptatie")
    assert refused.value.code == "ZID-UZI-TRUSTSTORE"


def test_an_unreadable_file_is_refused_naming_it(tmp_path):
    (tmp_path / "root.cer").write_bytes(vector("test-zorg-csp-root-ca-g3.cer"))
    (tmp_path / "broken.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(UziTrustStoreInvalid, match="broken.pem"):
        load_trust_store(tmp_path, "acceptatie")


def test_a_self_issued_certificate_signed_by_another_key_is_no_root(keys, hierarchy, tmp_path):
    impostor = make_ca(keys.other, name="Test UZI Root CA", issuer=hierarchy.root, issuer_key=keys.root)
    assert impostor.subject == impostor.issuer
    assert not is_self_signed(impostor) and is_self_signed(hierarchy.root)
    (tmp_path / "both.pem").write_bytes(pem(hierarchy.root, impostor))
    store = load_trust_store(tmp_path, "acceptatie")
    assert store.roots == (hierarchy.root,) and store.intermediates == (impostor,)
