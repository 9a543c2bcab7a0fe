"""Validating a UZI certificate against the trust store at a given time (R-CRED-UZI; docs/uzi.md, CPS §7.1).

The checks, in order, each with its own refusal:

1. the UZI attributes read cleanly (ZID-UZI-NOT-UZI, ZID-UZI-MALFORMED);
2. the certificate is valid at ``at`` (ZID-UZI-EXPIRED, ZID-UZI-NOT-YET-VALID);
3. it chains to a trusted root, every CA valid at ``at`` (ZID-UZI-UNTRUSTED, or the CA's expiry), through
   ``cryptography.x509.verification`` with the Web PKI rules for CAs (RFC 5280 §6 path validation,
   basicConstraints, keyCertSign, key identifiers); the real UZI G3 test chain passes them as it is;
4. key usage and extended key usage fit the purpose (ZID-UZI-KEY-USAGE);
5. the policy OID fits card type, purpose and the trust store's environment (ZID-UZI-POLICY);
6. no CA on the chain has revoked it, when a CRL is known (ZID-UZI-REVOKED, ZID-UZI-CRL).

The verifier's own end-entity checks are switched off (``permit_all``) so that steps 4 and 5 can answer
with their own codes instead of one "validation failed".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from cryptography import x509
from cryptography.x509.verification import ExtensionPolicy, PolicyBuilder, Store, VerificationError

from . import policies
from .attributes import UziAttributes, read_uzi_certificate
from .errors import UziExpired, UziKeyUsage, UziMalformed, UziNotYetValid, UziPolicy, UziUntrusted
from .revocation import CrlSource, check_revocation
from .truststore import TrustStore, is_self_signed

MAX_CHAIN_DEPTH = 8


def validate_uzi_certificate(
    cert: x509.Certificate,
    store: TrustStore,
    at: dt.datetime,
    purpose: str = policies.AUTHENTICATION,
    extra_intermediates: Iterable[x509.Certificate] = (),
    crls: CrlSource | None = None,
) -> UziAttributes:
    """The certificate's UZI attributes if it may be used for ``purpose`` at ``at``; a UziError otherwise."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    wanted = policies.purpose(purpose)
    attributes = read_uzi_certificate(cert)
    check_validity(cert, at, "UZI certificate")
    chain = verify_chain(cert, store, at, tuple(extra_intermediates))
    check_key_usage(cert, wanted)
    check_policy(cert, attributes.card_type, store.environment, wanted.name)
    if crls is not None:
        check_chain_revocation(chain, crls, at)
    return attributes


def check_validity(cert: x509.Certificate, at: dt.datetime, what: str) -> None:
    """notBefore <= at <= notAfter (RFC 5280 §4.1.2.5)."""
    if at < cert.not_valid_before_utc:
        raise UziNotYetValid(f"{what} is valid from {_show(cert.not_valid_before_utc)}")
    if at > cert.not_valid_after_utc:
        raise UziExpired(f"{what} expired on {_show(cert.not_valid_after_utc)}")


def verify_chain(
    cert: x509.Certificate, store: TrustStore, at: dt.datetime, extra_intermediates: Sequence[x509.Certificate] = ()
) -> list[x509.Certificate]:
    """The chain from ``cert`` to a trusted root, leaf first; UziUntrusted (or a CA's expiry) otherwise."""
    verifier = (
        PolicyBuilder()
        .store(Store(list(store.roots)))
        .time(at)
        .max_chain_depth(MAX_CHAIN_DEPTH)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all())
        .build_client_verifier()
    )
    intermediates = [*store.intermediates, *extra_intermediates]
    try:
        return verifier.verify(cert, intermediates).chain
    except VerificationError as exc:
        _check_ca_validity(cert, [*store.roots, *intermediates], at)
        raise UziUntrusted(f"no valid chain to a trusted root: {exc}") from exc


def _check_ca_validity(cert: x509.Certificate, pool: list[x509.Certificate], at: dt.datetime) -> None:
    """Explain a failed chain by an expired CA when the only issuers on the way up are out of validity."""
    current = cert
    for _ in range(MAX_CHAIN_DEPTH):
        issuers = [c for c in pool if c.subject == current.issuer and c != current]
        usable = [c for c in issuers if c.not_valid_before_utc <= at <= c.not_valid_after_utc]
        if issuers and not usable:
            check_validity(issuers[0], at, f"CA certificate {issuers[0].subject.rfc4514_string()}")
        if not usable or is_self_signed(usable[0]):
            return
        current = usable[0]


def check_key_usage(cert: x509.Certificate, wanted: policies.Purpose) -> None:
    """The key usages and extended key usages the purpose needs (docs/uzi.md: authentication = digitalSignature,
    clientAuth; signature = nonRepudiation; confidentiality = keyEncipherment); never a CA certificate."""
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        raise UziKeyUsage("a CA certificate is not a UZI holder certificate")
    usage = _extension(cert, x509.KeyUsage)
    if usage is None:
        raise UziKeyUsage("certificate has no keyUsage")
    for name in wanted.key_usages:
        if not getattr(usage, name):
            raise UziKeyUsage(f"keyUsage lacks {name}, needed for {wanted.name}")
    if wanted.extended_key_usages:
        extended = _extension(cert, x509.ExtendedKeyUsage)
        for oid in wanted.extended_key_usages:
            if extended is None or oid not in extended:
                raise UziKeyUsage(f"extendedKeyUsage lacks {oid.dotted_string}, needed for {wanted.name}")


def check_policy(cert: x509.Certificate, card_type: str, environment: str, purpose: str) -> None:
    """The certificate carries the policy OID of its card type and purpose in this environment."""
    required = policies.policy_oid(environment, card_type, purpose)
    if required is None:
        raise UziPolicy(f"card type {card_type} has no certificate for {purpose} in {environment}")
    oids = policy_oids(cert)
    if required not in oids:
        raise UziPolicy(f"policies {oids} lack {required} ({environment}, card type {card_type}, {purpose})")


def policy_oids(cert: x509.Certificate) -> list[str]:
    """The certificate's policy OIDs, sorted (none without the extension)."""
    found = _extension(cert, x509.CertificatePolicies)
    return sorted(p.policy_identifier.dotted_string for p in found) if found is not None else []


def check_chain_revocation(chain: Sequence[x509.Certificate], crls: CrlSource, at: dt.datetime) -> None:
    """Each certificate below the root against its issuer's CRL, where the source has one."""
    for certificate, issuer in zip(chain, chain[1:], strict=False):
        crl = crls.crl_for(certificate, issuer, at)
        if crl is not None:
            check_revocation(certificate, issuer, crl, at)


def _extension(cert: x509.Certificate, kind: type[x509.ExtensionType]):
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except ValueError as exc:
        raise UziMalformed(f"certificate extensions cannot be read: {exc}") from exc


def _show(moment: dt.datetime) -> str:
    return f"{moment:%d-%m-%Y %H:%M} UTC"
