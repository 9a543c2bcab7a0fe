"""What productie needs before it serves (docs/security.md): an https:// base URL, a secret key that is no
placeholder, no debug pages.

A Django system check of Error level (tag ``zorgid``, registered when this module is imported): ``zorgid serve``
and the WSGI app (zorgid/wsgi.py, what gunicorn loads) run all system checks and refuse to start on any of Error
level with ZID-CONFIG-PRODUCTIE, naming each problem. In acceptatie nothing is required: it serves over plain http on a
developer's machine.
"""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.core import checks

from zorgid.errors import ProductionUnsafe
from zorgid.protocol.language import tr

MIN_SECRET_LENGTH = 50
MIN_SECRET_CHARACTERS = 5
# words of example and development keys: a key containing one was typed in by hand, not made at random
PLACEHOLDER_WORDS = ("insecure", "changeme", "change-me", "change_me", "development", "example", "voorbeeld",
                     "secret-key", "secret_key", "dev-key", "test-key", "geheim")


def _secret_problem(secret: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        return tr(f"korter dan {MIN_SECRET_LENGTH} tekens", f"shorter than {MIN_SECRET_LENGTH} characters")
    if len(set(secret)) < MIN_SECRET_CHARACTERS:
        return tr(f"minder dan {MIN_SECRET_CHARACTERS} verschillende tekens",
                  f"made of fewer than {MIN_SECRET_CHARACTERS} different characters")
    lowered = secret.lower()
    word = next((word for word in PLACEHOLDER_WORDS if word in lowered), "")
    if not word:
        return ""
    return tr(f"een voorbeeld- of ontwikkelsleutel (bevat '{word}')",
              f"an example or development key (it contains '{word}')")


MAX_PROXY_ADDRESSES = 256  # a trusted proxy is a host or a small subnet of them, never "everyone"


def _broad_proxies(proxies: list[str]) -> list[str]:
    """The entries of ZORGID_TRUSTED_PROXIES that are no address or a network of more than MAX_PROXY_ADDRESSES."""
    broad = []
    for proxy in proxies:
        try:
            too_many = ipaddress.ip_network(proxy, strict=False).num_addresses > MAX_PROXY_ADDRESSES
        except ValueError:
            too_many = True
        if too_many:
            broad.append(repr(proxy))
    return broad


@checks.register("zorgid")
def production_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.ZORGID_ENVIRONMENT != "productie":
        return []
    return unsafe_settings()


def unsafe_settings() -> list[checks.Error]:
    """What of the current settings productie refuses, whatever the environment (also ``zorgid check``), in the
    language of the run (zorgid.protocol.language): English only where ``zorgid check`` chose it (``--lang en`` or an
    English environment); the start checks of ``zorgid serve`` and the WSGI app, which choose none, are Dutch."""
    errors = []
    if not settings.ZORGID_BASE_URL_FROM_ENV or not settings.ZORGID_BASE_URL.startswith("https://"):
        unset = "" if settings.ZORGID_BASE_URL_FROM_ENV else tr(" (niet gezet)", " (not set)")
        errors.append(checks.Error(
            f"ZORGID_BASE_URL is {settings.ZORGID_BASE_URL!r}{unset}" + tr(
                ": in productie moet dat het https://-adres van het portaal zijn (anders geen Secure-cookies en "
                "geen HSTS)",
                ": in the productie environment it must be the https:// address of the portal (else no Secure "
                "cookies and no HSTS)"),
            hint=tr("Zet ZORGID_BASE_URL=https://<adres van het portaal>.",
                    "Set ZORGID_BASE_URL=https://<address of the portal>."), id="zorgid.E001"))
    problem = _secret_problem(settings.SECRET_KEY)
    if problem:
        errors.append(checks.Error(
            tr(f"de geheime sleutel (ZORGID_SECRET_KEY) is {problem}",
               f"the secret key (ZORGID_SECRET_KEY) is {problem}"),
            hint=tr("Laat ZORGID_SECRET_KEY weg (dan maakt zorgid er één in ZORGID_HOME) of geef 50 willekeurige "
                    "tekens; verander een sleutel die in gebruik is niet (het auditlog en de sleuteldelen hangen "
                    "eraan).",
                    "Leave ZORGID_SECRET_KEY out (zorgid then makes one in ZORGID_HOME) or give 50 random "
                    "characters; never change a key that is in use (the audit log and the key shares depend on it)."),
            id="zorgid.E002"))
    issuer = getattr(settings, "ZORGID_OIDC_ISSUER", "")
    if not issuer.startswith("https://") or any(mark in issuer.split("://", 1)[1] for mark in "/?#"):
        unset = "" if issuer else tr(" (niet gezet)", " (not set)")
        errors.append(checks.Error(
            f"ZORGID_OIDC_ISSUER is {issuer!r}{unset}" + tr(
                ": in productie moet dat het vaste https://-adres van de OpenID Connect-provider zijn (zonder pad), "
                "anders hangt de issuer van de tokens af van het adres waarmee een verzoek binnenkomt",
                ": in the productie environment it must be the fixed https:// address of the OpenID Connect "
                "provider (without a path), else the issuer of the tokens depends on the address a request comes in "
                "with"),
            hint=tr("Zet ZORGID_OIDC_ISSUER=https://<adres van het portaal>, meestal gelijk aan ZORGID_BASE_URL.",
                    "Set ZORGID_OIDC_ISSUER=https://<address of the portal>, usually the same as ZORGID_BASE_URL."),
            id="zorgid.E004"))
    broad = _broad_proxies(getattr(settings, "ZORGID_TRUSTED_PROXIES", []))
    if broad:
        errors.append(checks.Error(
            tr(f"ZORGID_TRUSTED_PROXIES noemt {', '.join(broad)}: een adres waarvan zorgid de kop met het "
               "clientcertificaat gelooft, moet de eigen reverse proxy zijn, geen (onleesbaar) netwerk van meer dan "
               f"{MAX_PROXY_ADDRESSES} adressen",
               f"ZORGID_TRUSTED_PROXIES names {', '.join(broad)}: an address whose client certificate header zorgid "
               "believes must be the installation's own reverse proxy, not an (unreadable) network of more than "
               f"{MAX_PROXY_ADDRESSES} addresses"),
            hint=tr("Noem alleen de adressen van de eigen reverse proxies (docs/security.md, 'Healthcare "
                    "applications').",
                    "Name only the addresses of the installation's own reverse proxies (docs/security.md, "
                    "'Healthcare applications')."),
            id="zorgid.E005"))
    if settings.DEBUG or os.environ.get("ZORGID_DEBUG", "") not in ("", "0"):
        errors.append(checks.Error(
            tr("ZORGID_DEBUG staat aan: de foutpagina's van Django tonen instellingen en code",
               "ZORGID_DEBUG is on: Django's error pages show settings and code"),
            hint=tr("Laat ZORGID_DEBUG weg in productie.", "Leave ZORGID_DEBUG out in the productie environment."),
            id="zorgid.E003"))
    return errors


def refuse_unsafe() -> None:
    """Raise ProductionUnsafe if a system check of Error level fails (``zorgid serve``, the WSGI app)."""
    serious = [message for message in checks.run_checks() if message.is_serious()]
    if serious:
        raise ProductionUnsafe("\n".join(f"{message.id}: {message.msg}. {message.hint or ''}".strip()
                                         for message in serious))
