"""The UZI trust of this installation: which directory, which CRLs (R-CRED-UZI, R-ENV).

Trust is configuration: ZORGID_UZI_TRUST_DIR names the directory of trusted UZI CA certificates, by default
``pki/truststores/<environment>/uzi``. In acceptatie the project's own test UZI CA (made in ZORGID_HOME) is
trusted too. ZORGID_UZI_CRL_DIR may hold CRLs (``*.crl``, DER or PEM); they are read once per process and
kept per issuer, newest first, and a CRL past its nextUpdate is refused rather than trusted.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

from .uzi.revocation import CrlCache
from .uzi.truststore import TrustStore, default_trust_dir, load_trust_store

MAX_CRL_FILES = 100


def trust_directories() -> list[Path]:
    configured = getattr(settings, "ZORGID_UZI_TRUST_DIR", None)
    directories = [Path(configured) if configured else default_trust_dir(settings.ZORGID_ENVIRONMENT)]
    if settings.ZORGID_ENVIRONMENT == "acceptatie":
        test_ca = test_uzi_ca_trust_dir()
        if test_ca is not None:
            directories.append(test_ca)
    return directories


def test_uzi_ca_dir() -> Path:
    return Path(settings.ZORGID_HOME) / "test-uzi-ca"


def test_uzi_ca_trust_dir() -> Path | None:
    """The certificates of the project's own test UZI CA (``zorgid serve``/``zorgid dev`` make it)."""
    directory = test_uzi_ca_dir() / "trust"
    return directory if directory.is_dir() and any(directory.glob("*.pem")) else None


@functools.lru_cache(maxsize=8)
def _load(directories: tuple[Path, ...], environment: str) -> TrustStore:
    stores = [load_trust_store(directory, environment) for directory in directories]
    return TrustStore(
        environment=environment,
        roots=tuple(cert for store in stores for cert in store.roots),
        intermediates=tuple(cert for store in stores for cert in store.intermediates),
        directory=directories[0],
    )


def trust_store() -> TrustStore:
    return _load(tuple(trust_directories()), settings.ZORGID_ENVIRONMENT)


@functools.lru_cache(maxsize=8)
def _crls(directory: Path | None) -> CrlCache:
    cache = CrlCache()
    if directory is not None and directory.is_dir():
        for path in sorted(directory.glob("*.crl"))[:MAX_CRL_FILES]:
            cache.add(path.read_bytes())
    return cache


def crl_source() -> CrlCache:
    configured = getattr(settings, "ZORGID_UZI_CRL_DIR", None)
    return _crls(Path(configured) if configured else None)


def forget() -> None:
    """Read trust store and CRLs again on next use (after the operator changed them; tests)."""
    _load.cache_clear()
    _crls.cache_clear()
