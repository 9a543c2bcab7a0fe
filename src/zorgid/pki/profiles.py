"""Certificate profiles, built from small pieces.

A profile is a list of modifiers applied to a CertificateBuilder; the CA adds issuer and authority
key identifier. The Mobile ID profile (R-CRED-MOBILE): the person's name and stable identity id in the
subject, clientAuth, a random serial, configurable validity. Every new certificate names where its status is
published: the CA's CRL and its OCSP responder (docs/security.md, "Revocation: CRL and OCSP").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

Modifier = Callable[[x509.CertificateBuilder], x509.CertificateBuilder]
IDENTITY_URN = "urn:zorgid:identity:"
MOBILE_ID_URN = "urn:zorgid:mobile-id:"


def subject(*attributes: tuple[x509.ObjectIdentifier, str]) -> Modifier:
    name = x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])
    return lambda b: b.subject_name(name)


def key(public_key: ec.EllipticCurvePublicKey) -> Modifier:
    return lambda b: b.public_key(public_key).add_extension(
        x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
    )


def validity(start: dt.datetime, days: int) -> Modifier:
    if days < 1 or days > 5 * 366:
        raise ValueError("validity must be between 1 day and 5 years")
    return lambda b: b.not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))


def random_serial() -> Modifier:
    return lambda b: b.serial_number(x509.random_serial_number())


def end_entity(digital_signature: bool = True) -> Modifier:
    usage = x509.KeyUsage(
        digital_signature=digital_signature, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )
    return lambda b: b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True).add_extension(
        usage, critical=True
    )


def extended_key_usage(*usages: x509.ObjectIdentifier) -> Modifier:
    return lambda b: b.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)


def uris(*values: str) -> Modifier:
    return lambda b: b.add_extension(
        x509.SubjectAlternativeName([x509.UniformResourceIdentifier(v) for v in values]), critical=False
    )


def crl_url(base_url: str, ca_id: str) -> str:
    return f"{base_url.rstrip('/')}/pki/crl/{ca_id}.crl"


def ocsp_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/pki/ocsp"


def revocation_pointers(base_url: str, ca_id: str) -> Modifier:
    """The CRL distribution point and the OCSP address (AIA) of the CA ``ca_id`` at ``base_url``."""
    crl = x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(crl_url(base_url, ca_id))], relative_name=None, reasons=None,
        crl_issuer=None)])
    aia = x509.AuthorityInformationAccess([x509.AccessDescription(
        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url(base_url)))])
    return lambda b: b.add_extension(crl, critical=False).add_extension(aia, critical=False)


def ocsp_responder_profile(*, public_key: ec.EllipticCurvePublicKey, common_name: str, start: dt.datetime,
                           days: int) -> list[Modifier]:
    """The delegated OCSP responder (RFC 6960 §4.2.2.2): OCSPSigning, id-pkix-ocsp-nocheck, short-lived."""
    return [
        subject((NameOID.COUNTRY_NAME, "NL"), (NameOID.COMMON_NAME, common_name[:64])),
        key(public_key),
        validity(start, days),
        random_serial(),
        end_entity(),
        extended_key_usage(ExtendedKeyUsageOID.OCSP_SIGNING),
        lambda b: b.add_extension(x509.OCSPNoCheck(), critical=False),
    ]


def build(modifiers: Iterable[Modifier]) -> x509.CertificateBuilder:
    builder = x509.CertificateBuilder()
    for modify in modifiers:
        builder = modify(builder)
    return builder


def mobile_id_profile(
    *, public_key: ec.EllipticCurvePublicKey, identity_id: str, mobile_id: str, first_names: str,
    last_name: str, start: dt.datetime, days: int, base_url: str = "", ca_id: str = "mobile-id",
) -> list[Modifier]:
    """The Mobile ID certificate: who (name, stable identity id) and which device key (mobile id); with
    ``base_url``, where its status is published (CRL and OCSP of the CA ``ca_id``)."""
    pointers = [revocation_pointers(base_url, ca_id)] if base_url else []
    return [
        subject(
            (NameOID.COUNTRY_NAME, "NL"),
            (NameOID.GIVEN_NAME, first_names),
            (NameOID.SURNAME, last_name),
            (NameOID.COMMON_NAME, f"{first_names} {last_name}"[:64]),
            (NameOID.SERIAL_NUMBER, identity_id),
        ),
        key(public_key),
        validity(start, days),
        random_serial(),
        end_entity(),
        extended_key_usage(ExtendedKeyUsageOID.CLIENT_AUTH),
        uris(IDENTITY_URN + identity_id, MOBILE_ID_URN + mobile_id),
        *pointers,
    ]
