"""The child process that fills a SoftHSM2 token like a UZI-pas: ``python -m zorgid.devtools.softhsm_worker``.

It exists because SoftHSM2 reads ``SOFTHSM2_CONF`` once, when the PKCS#11 library loads: a process that
makes tokens for several homes (a test session, ``zorgid dev uzi-pas`` called from a script) must not load
it at all. The parent (:mod:`.softhsm`) passes a JSON spec on stdin and reads one JSON object on stdout:
``{"certificates": {kind: PEM}}`` or the error shape of :class:`ZorgidError`.

The key pairs are generated on the token (RSA-2048, like the card's), private keys sensitive and never
extractable, so a test signs with the card exactly as the Desktop App does with a real one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pkcs11
from asn1crypto import core
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

from zorgid.protocol.errors import ZorgidError

from .errors import SoftHsmFailed
from .test_uzi_ca import load_test_uzi_ca
from .uzi_profile import CARD_KINDS, PROFILES, CardHolder, CertificateKind

KEY_BITS = 2048
# What each key may do: authentication and signature keys sign, the confidentiality key decrypts.
_PRIVATE_USE = {
    CertificateKind.AUTHENTICATION: {Attribute.SIGN: True, Attribute.DECRYPT: False, Attribute.UNWRAP: False},
    CertificateKind.SIGNATURE: {Attribute.SIGN: True, Attribute.DECRYPT: False, Attribute.UNWRAP: False},
    CertificateKind.CONFIDENTIALITY: {Attribute.SIGN: False, Attribute.DECRYPT: True, Attribute.UNWRAP: True},
}


def fill_token(spec: dict) -> dict:
    """Generate the card's key pairs on the token, have the test UZI CA certify them, store the certificates."""
    holder = CardHolder(**spec["holder"])
    ca = load_test_uzi_ca(Path(spec["ca_dir"]))
    token = pkcs11.lib(spec["module"]).get_token(token_label=spec["label"])
    with token.open(rw=True, user_pin=spec["pin"]) as session:
        public_keys = {kind: generate_key_pair(session, kind) for kind in CARD_KINDS[holder.card_type]}
        certificates = ca.issue_card_certificates(holder, public_keys, expired=bool(spec.get("expired")))
        for kind, certificate in certificates.items():
            store_certificate(session, kind, certificate)
    pems = {kind.value: cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
            for kind, cert in certificates.items()}
    return {"certificates": pems}


def generate_key_pair(session, kind: CertificateKind) -> rsa.RSAPublicKey:
    """An RSA key pair on the token with the card's CKA_ID and label; returns the public half."""
    profile = PROFILES[kind]
    private_template = {
        Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
        Attribute.DERIVE: False, **_PRIVATE_USE[kind],
    }
    signing = _PRIVATE_USE[kind][Attribute.SIGN]
    public_template = {
        Attribute.TOKEN: True, Attribute.PRIVATE: False, Attribute.VERIFY: signing,
        Attribute.ENCRYPT: not signing, Attribute.WRAP: not signing,
    }
    public, _ = session.generate_keypair(
        KeyType.RSA, KEY_BITS, id=profile.key_id, label=profile.token_label, store=True,
        public_template=public_template, private_template=private_template,
    )
    modulus = int.from_bytes(public[Attribute.MODULUS], "big")
    exponent = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()


def store_certificate(session, kind: CertificateKind, certificate: x509.Certificate) -> None:
    """The certificate as a public token object beside its key (same CKA_ID), readable without the PIN."""
    profile = PROFILES[kind]
    session.create_object({
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True,
        Attribute.PRIVATE: False,
        Attribute.ID: profile.key_id,
        Attribute.LABEL: profile.token_label,
        Attribute.SUBJECT: certificate.subject.public_bytes(),
        Attribute.ISSUER: certificate.issuer.public_bytes(),
        Attribute.SERIAL_NUMBER: core.Integer(certificate.serial_number).dump(),
        Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
    })


def main() -> int:
    """Answer exactly one JSON object on stdout, whatever happens: the parent never parses a traceback."""
    try:
        answer, status = fill_token(json.loads(sys.stdin.read())), 0
    except ZorgidError as err:
        answer, status = err.as_dict(), 1
    except Exception as exc:  # by design: every failure becomes the one error shape
        answer, status = SoftHsmFailed(f"{type(exc).__name__}: {exc}"[:300]).as_dict(), 1
    sys.stdout.write(json.dumps(answer))
    return status


if __name__ == "__main__":
    sys.exit(main())
