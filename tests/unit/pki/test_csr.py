import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.conftest import make_csr
from zorgid.pki.csr import load_csr
from zorgid.pki.errors import CsrKeyNotAllowed, CsrMalformed, CsrSignatureInvalid


def test_a_p256_csr_is_accepted():
    key, pem = make_csr()
    assert load_csr(pem).public_key().public_numbers() == key.public_key().public_numbers()


BROKEN_PEM = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"


@pytest.mark.parametrize("pem", ["", "not a csr", BROKEN_PEM, "x" * 5000, "é"])
def test_garbage_is_malformed(pem):
    with pytest.raises(CsrMalformed):
        load_csr(pem)


def _csr_with(key):
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.parametrize("key", [rsa.generate_private_key(65537, 2048), ec.generate_private_key(ec.SECP384R1())],
                         ids=["rsa", "p384"])
def test_other_keys_are_not_allowed(key):
    with pytest.raises(CsrKeyNotAllowed):
        load_csr(_csr_with(key))


def test_a_csr_whose_signature_does_not_verify_is_refused():
    _, pem = make_csr()
    der = bytearray(x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # inside the signature
    tampered = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()
    with pytest.raises((CsrSignatureInvalid, CsrMalformed)):
        load_csr(tampered)
