"""The register of accepted healthcare applications: the rules every login at an application checks, and the
operator's actions, each one transaction with its CareAppEvent row and its audit event (docs/architecture.md).

The OpenID Connect provider (``zorgid.oidc``) calls the login rules at every authorization request
(docs/koppelen.md): ``application_for_login``, ``check_redirect_uri``, ``check_version``, ``check_product`` and
``post_logout_redirect_allowed``. They read untrusted input, so each takes any object and refuses what is not a
short string.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cryptography import x509
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from joserfc.jwk import JWKRegistry

from zorgid import clock
from zorgid.audit.services import record
from zorgid.control_characters import (
    CONTROL,
    EMPTY,
    TOO_LONG,
    ControlCharacter,
    LineRefused,
    check_json,
    clean_line,
    invisible,
)
from zorgid.pki.uzi.errors import UraInvalid
from zorgid.pki.uzi.numbers import Ura

from .errors import (
    CareAppAuthenticationInvalid,
    CareAppDataInvalid,
    CareAppInputError,
    CareAppJwksInvalid,
    CareAppNotFound,
    CareAppProductNotSupported,
    CareAppRedirectUriInvalid,
    CareAppStateConflict,
    CareAppSuspended,
    CareAppUnknown,
    CareAppVersionInvalid,
    CareAppVersionRefused,
    CareAppWithdrawn,
    RedirectUriNotRegistered,
)
from .models import CareAppEvent, CareApplication, CareAppStatus, CareAppVersion, Product, VersionState

CLIENT_ID_MAX = 32  # new_public_id: 32 hex characters
NAME_MAX = 128  # name and supplier: the model's field length
URI_MAX = 500  # the model's field length
URIS_MAX = 10  # redirect URIs, post-logout redirect URIs: each at most this many
VERSION_MAX = 32
VERSION = re.compile(r"[0-9A-Za-z.+-]{1,32}")
VERSIONS_MAX = 50  # versions given at once
SUBJECT_DN_MAX = 500
JWKS_MAX_BYTES = 64 * 1024
JWKS_KEYS_MAX = 20
RSA_MIN_BITS, RSA_MAX_BITS = 2048, 8192  # the upper bound keeps a signature check cheap
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256"}
# members of a JWK that only a private or a symmetric key has (never accepted: the register is public)
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "r", "t", "k")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def _short_text(value: object, limit: int) -> str | None:
    """``value`` if it is a non-empty string of at most ``limit`` characters with nothing invisible (a control
    character or a lone surrogate cannot be stored, so it is never looked up), else None."""
    if isinstance(value, str) and 0 < len(value) <= limit and not invisible(value):
        return value
    return None


def _shown(value: object, limit: int = 40) -> str:
    """A short, safe rendering of untrusted input for an error's detail."""
    return repr(value if isinstance(value, str) else type(value).__name__)[:limit]


# --- The rules of a login at an application -------------------------------------------------------------------


def application_for_login(client_id: object) -> CareApplication:
    """The accepted application with this ``client_id``; unknown, suspended and withdrawn ones are refused."""
    value = _short_text(client_id, CLIENT_ID_MAX)
    application = CareApplication.objects.filter(client_id=value).first() if value is not None else None
    if application is None:
        raise CareAppUnknown(f"client_id {_shown(client_id)} is not registered")
    if application.status == CareAppStatus.SUSPENDED:
        raise CareAppSuspended(f"client_id {application.client_id} is suspended")
    if application.status == CareAppStatus.WITHDRAWN:
        raise CareAppWithdrawn(f"client_id {application.client_id} is withdrawn")
    return application


def check_redirect_uri(application: CareApplication, uri: object) -> str:
    """``uri`` when it is exactly (string equality) one of the application's registered redirect URIs."""
    value = _short_text(uri, URI_MAX)
    if value is None or value not in _strings(application.redirect_uris):
        raise RedirectUriNotRegistered(f"redirect_uri {_shown(uri, 80)} is not registered for this application")
    return value


def check_version(application: CareApplication, version: object) -> str:
    """``version`` when it is an accepted version of the application; missing, unknown and refused are refused."""
    if version is None or version == "":
        raise CareAppVersionRefused("application_version is missing")
    value = _short_text(version, VERSION_MAX)
    state = (
        CareAppVersion.objects.filter(application=application, version=value).values_list("state", flat=True).first()
        if value is not None else None
    )
    if state is None:
        raise CareAppVersionRefused(f"version {_shown(version)} is not in the register")
    if state != VersionState.ACCEPTED:
        raise CareAppVersionRefused(f"version {value} has been refused")
    return value


def check_product(application: CareApplication, product: str) -> None:
    """The application supports ``product`` (``Product.MOBIEL`` for the login with the app)."""
    if product not in _strings(application.products):
        raise CareAppProductNotSupported(f"the application does not support {_shown(product)}")


def post_logout_redirect_allowed(application: CareApplication, uri: object) -> bool:
    """Whether ``uri`` is exactly one of the application's registered post-logout redirect URIs, and the
    application is not withdrawn (the register no longer vouches for its addresses: its domain may have lapsed)."""
    value = _short_text(uri, URI_MAX)
    return (value is not None and application.status != CareAppStatus.WITHDRAWN
            and value in _strings(application.post_logout_redirect_uris))


def _strings(values: object) -> list[str]:
    """The strings of a stored JSON list (never trusts its shape)."""
    return [item for item in values if isinstance(item, str)] if isinstance(values, list) else []




# --- Reading the register ------------------------------------------------------------------------------------


def get(client_id: object) -> CareApplication:
    """The application with this ``client_id`` whatever its status (the operator's pages and commands)."""
    value = _short_text(client_id, CLIENT_ID_MAX)
    application = CareApplication.objects.filter(client_id=value).first() if value is not None else None
    if application is None:
        raise CareAppNotFound(f"client_id {_shown(client_id)}")
    return application


def listed(limit: int | None = None) -> list[CareApplication]:
    """Every application in name order, with its versions (the operator's list)."""
    rows = CareApplication.objects.prefetch_related("versions")
    return list(rows[:limit] if limit is not None else rows)


def versions_of(application: CareApplication) -> list[CareAppVersion]:
    """The application's versions, newest first (natural order: 10.0 after 9.2)."""
    return sorted(application.versions.all(), key=lambda row: version_key(row.version), reverse=True)


def history(application: CareApplication) -> list[CareAppEvent]:
    return list(application.events.all())


@dataclass(frozen=True)
class PublicApplication:
    name: str
    supplier: str
    versions: list[str]  # the accepted ones, newest first


@dataclass(frozen=True)
class PublicProduct:
    product: str  # a Product value
    label: str
    applications: list[PublicApplication] = field(default_factory=list)


def public_list() -> list[PublicProduct]:
    """The public register (``/applicaties``): per product, the accepted applications that support it with their
    accepted versions. Suspended and withdrawn applications, and one without an accepted version, are not listed."""
    accepted = Prefetch("versions", queryset=CareAppVersion.objects.filter(state=VersionState.ACCEPTED))
    applications = CareApplication.objects.filter(status=CareAppStatus.ACCEPTED).prefetch_related(accepted)
    listing = [PublicProduct(product.value, str(product.label)) for product in Product]
    for application in applications:
        versions = sorted((row.version for row in application.versions.all()), key=version_key, reverse=True)
        if not versions:
            continue
        entry = PublicApplication(application.name, application.supplier, versions)
        for product in listing:
            if product.product in _strings(application.products):
                product.applications.append(entry)
    return listing


def version_key(version: str) -> tuple:
    """Natural order of version numbers: numbers as numbers, so 2.10 comes after 2.9."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"[.+-]", version) if part)


# --- Input checks (outside input: bounded, with a code) ------------------------------------------------------


def _line(value: object, what: str, limit: int = NAME_MAX) -> str:
    """One line of text: 1 to ``limit`` characters, nothing invisible (control_characters.clean_line)."""
    try:
        return clean_line(value if isinstance(value, str) else "", limit)
    except LineRefused as exc:
        reasons = {EMPTY: "empty", TOO_LONG: f"longer than {limit} characters",
                   CONTROL: "holds a line break or an invisible character"}
        raise CareAppDataInvalid(f"{what} is {reasons.get(exc.reason, exc.reason)}") from exc


def clean_flag(value: object, what: str) -> bool:
    """A yes or no: a bool only (JSON's true or false), never a string that reads like one."""
    if not isinstance(value, bool):
        raise CareAppDataInvalid(f"{what} must be true or false, not {_shown(value)}")
    return value


def clean_versions(versions: object) -> list[str]:
    """At least one version, each ``[0-9A-Za-z.+-]{1,32}``; duplicates dropped, order kept."""
    if isinstance(versions, str) or not isinstance(versions, Iterable):
        raise CareAppVersionInvalid("versions must be a list")
    found: list[str] = []
    for version in versions:
        found.append(clean_version(version))
        if len(found) > VERSIONS_MAX:
            raise CareAppVersionInvalid(f"at most {VERSIONS_MAX} versions at once")
    if not found:
        raise CareAppVersionInvalid("at least one version is needed")
    return list(dict.fromkeys(found))


def clean_version(version: object) -> str:
    value = version.strip() if isinstance(version, str) else None
    if value is None or not VERSION.fullmatch(value):
        raise CareAppVersionInvalid(f"version {_shown(version)} is not 1 to 32 characters 0-9 A-Z a-z . + -")
    return value


def clean_products(products: object) -> list[str]:
    """At least one of the products (Product), in the register's order; by default ZORG-ID Mobiel."""
    if products is None:
        return [Product.MOBIEL.value]
    if isinstance(products, str) or not isinstance(products, Iterable):
        raise CareAppDataInvalid("products must be a list")
    given = list(products)
    if len(given) > len(Product.values) * 4:
        raise CareAppDataInvalid("too many products")
    unknown = [item for item in given if item not in Product.values]
    if unknown:
        raise CareAppDataInvalid(f"product {_shown(unknown[0])} is not one of {', '.join(Product.values)}")
    if not given:
        raise CareAppDataInvalid("at least one product is needed")
    return [value for value in Product.values if value in given]


def clean_uri(uri: object, what: str) -> str:
    """An absolute URI without a fragment or user information: https, and in acceptatie also http on loopback."""
    if not isinstance(uri, str) or not uri.strip():
        raise CareAppRedirectUriInvalid(f"{what} is empty")
    value = uri.strip()
    if len(value) > URI_MAX:
        raise CareAppRedirectUriInvalid(f"{what} is longer than {URI_MAX} characters")
    if invisible(value) or any(ch.isspace() for ch in value):
        raise CareAppRedirectUriInvalid(f"{what} {_shown(value, 80)} holds a space or an invisible character")
    if "#" in value:
        raise CareAppRedirectUriInvalid(f"{what} {_shown(value, 80)} has a fragment (#)")
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError as exc:
        raise CareAppRedirectUriInvalid(f"{what} {_shown(value, 80)} is not a valid address") from exc
    if parts.scheme not in ("https", "http") or not host or value.lower().startswith(("https:///", "http:///")):
        raise CareAppRedirectUriInvalid(f"{what} {_shown(value, 80)} is not an absolute https address")
    if "@" in parts.netloc:
        raise CareAppRedirectUriInvalid(f"{what} {_shown(value, 80)} holds user information (@)")
    if parts.scheme == "http":
        if settings.ZORGID_ENVIRONMENT == "productie":
            raise CareAppRedirectUriInvalid(f"{what} {_shown(value, 80)}: only https in productie")
        if host.lower() not in LOOPBACK_HOSTS:
            raise CareAppRedirectUriInvalid(
                f"{what} {_shown(value, 80)}: http only on 127.0.0.1, [::1] or localhost (acceptatie)")
    return value


_NUMERIC_HOST = re.compile(r"[0-9a-fA-FxX.]+")


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` is written as, if it is one: also the forms a resolver reads as IPv4 (``127.1``,
    ``2130706433``, ``0x7f.0.0.1``) and IPv4 mapped in IPv6; None for a name."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not _NUMERIC_HOST.fullmatch(host) or not any(ch.isdigit() for ch in host):
            return None
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def clean_server_uri(uri: object, what: str) -> str:
    """An address zorgid itself calls (``jwks_uri``, ``backchannel_logout_uri``): as ``clean_uri``, and in productie
    not on a private, loopback, link-local or other non-public IP address (nor ``localhost``), so that a
    registration cannot point zorgid's own requests into its network."""
    value = clean_uri(uri, what)
    if settings.ZORGID_ENVIRONMENT == "productie":
        host = (urlsplit(value).hostname or "").rstrip(".").lower()
        address = host_address(host)
        if host == "localhost" or host.endswith(".localhost") or (address is not None and not address.is_global):
            raise CareAppRedirectUriInvalid(f"{what} {_shown(value, 80)} is not a public address (productie)")
    return value


def clean_uris(uris: object, what: str, *, at_least: int) -> list[str]:
    if isinstance(uris, str) or not isinstance(uris, Iterable):
        raise CareAppRedirectUriInvalid(f"{what} must be a list")
    found: list[str] = []
    for uri in uris:
        found.append(clean_uri(uri, what))
        if len(found) > URIS_MAX:
            raise CareAppRedirectUriInvalid(f"at most {URIS_MAX} {what}s")
    if len(found) < at_least:
        raise CareAppRedirectUriInvalid(f"at least {at_least} {what} is needed")
    return list(dict.fromkeys(found))


def clean_jwks(jwks: object) -> dict:
    """A JWK Set of public signing keys (RSA of 2048 to 8192 bits, EC P-256), each with its own kid; given as a
    parsed object or as JSON text, at most 64 KiB. A private or symmetric key is refused: the register is public."""
    if isinstance(jwks, str | bytes):
        if len(jwks) > JWKS_MAX_BYTES:
            raise CareAppJwksInvalid(f"larger than {JWKS_MAX_BYTES // 1024} KiB")
        try:
            jwks = json.loads(jwks)
        except (ValueError, RecursionError) as exc:
            raise CareAppJwksInvalid("not valid JSON") from exc
    try:
        size = len(json.dumps(jwks, ensure_ascii=False).encode())
    except (TypeError, ValueError, RecursionError) as exc:
        raise CareAppJwksInvalid("not a JSON value") from exc
    if size > JWKS_MAX_BYTES:
        raise CareAppJwksInvalid(f"larger than {JWKS_MAX_BYTES // 1024} KiB")
    try:
        check_json(jwks, "jwks")  # PostgreSQL cannot store a NUL in JSON
    except ControlCharacter as exc:
        raise CareAppJwksInvalid(exc.detail) from exc
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise CareAppJwksInvalid('not a JSON object with a list "keys"')
    keys = jwks["keys"]
    if not keys:
        raise CareAppJwksInvalid('"keys" is empty')
    if len(keys) > JWKS_KEYS_MAX:
        raise CareAppJwksInvalid(f"more than {JWKS_KEYS_MAX} keys")
    kids: set[str] = set()
    for index, key in enumerate(keys):
        kid = _check_public_key(key, index)
        if kid in kids:
            raise CareAppJwksInvalid(f"kid {kid!r} occurs twice")
        kids.add(kid)
    return {"keys": keys}


def _check_public_key(key: object, index: int) -> str:
    where = f"key {index}"
    if not isinstance(key, dict):
        raise CareAppJwksInvalid(f"{where} is not a JSON object")
    private = [member for member in PRIVATE_MEMBERS if member in key]
    if private:
        raise CareAppJwksInvalid(f"{where} is a private or symmetric key (member {private[0]!r}): give the public "
                                 "key only")
    kid = key.get("kid")
    if not isinstance(kid, str) or not 0 < len(kid) <= 128 or invisible(kid):
        raise CareAppJwksInvalid(f'{where} has no "kid" of 1 to 128 characters')
    where = f"key {kid[:40]!r}"
    if key.get("kty") not in ("RSA", "EC"):
        raise CareAppJwksInvalid(f'{where}: kty {_shown(key.get("kty"))} is not RSA or EC')
    if "use" in key and key["use"] != "sig":
        raise CareAppJwksInvalid(f'{where}: use must be "sig"')
    if "alg" in key and (not isinstance(key["alg"], str) or key["alg"] not in SIGNING_ALGORITHMS):
        algorithms = ", ".join(sorted(SIGNING_ALGORITHMS))
        raise CareAppJwksInvalid(f"{where}: alg {_shown(key['alg'])} is not one of {algorithms}")
    if key["kty"] == "EC" and key.get("crv") != "P-256":
        raise CareAppJwksInvalid(f"{where}: only the EC curve P-256")
    if key["kty"] == "RSA":  # the size first: a weak or a huge key is not even read
        bits = _rsa_bits(key.get("n"))
        if not RSA_MIN_BITS <= bits <= RSA_MAX_BITS:
            raise CareAppJwksInvalid(f"{where}: RSA key of {bits} bits, not {RSA_MIN_BITS} to {RSA_MAX_BITS}")
    try:
        imported = JWKRegistry.import_key(key)
    except Exception as exc:  # noqa: BLE001 (joserfc raises many kinds for a malformed key)
        raise CareAppJwksInvalid(f"{where} cannot be read as a JWK") from exc
    if imported.is_private:
        raise CareAppJwksInvalid(f"{where} is a private key")
    return kid


def _rsa_bits(modulus: object) -> int:
    """The size of an RSA modulus given base64url-encoded (0 when it is not)."""
    if not isinstance(modulus, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", modulus):
        return 0
    try:
        return int.from_bytes(base64.urlsafe_b64decode(modulus + "=" * (-len(modulus) % 4)), "big").bit_length()
    except ValueError:
        return 0


def clean_subject_dn(dn: object) -> str:
    """The subject of the supplier's certificate as an RFC 4514 string, kept in the form cryptography writes it."""
    value = _line(dn, "tls_subject_dn", SUBJECT_DN_MAX)
    try:
        name = x509.Name.from_rfc4514_string(value)
    except ValueError as exc:
        raise CareAppAuthenticationInvalid(f"tls_subject_dn {_shown(value, 80)} is not an RFC 4514 name") from exc
    if not len(name):
        raise CareAppAuthenticationInvalid("tls_subject_dn is empty")
    return name.rfc4514_string()


@dataclass(frozen=True)
class Authentication:
    jwks: dict | None = None
    jwks_uri: str = ""
    tls_ura: str = ""
    tls_subject_dn: str = ""


def clean_authentication(*, jwks: object, jwks_uri: object, tls_ura: object, tls_subject_dn: object) -> Authentication:
    """Exactly one way for the application to prove who it is at the token endpoint (docs/koppelen.md)."""
    given = [name for name, value in (("jwks", jwks), ("jwks_uri", jwks_uri), ("tls_ura", tls_ura),
                                      ("tls_subject_dn", tls_subject_dn)) if value not in (None, "")]
    if len(given) != 1:
        raise CareAppAuthenticationInvalid(f"{len(given)} given ({', '.join(given) or 'none'}), exactly one needed")
    if given == ["jwks"]:
        return Authentication(jwks=_at("jwks", clean_jwks, jwks))
    if given == ["jwks_uri"]:
        return Authentication(jwks_uri=_at("jwks_uri", clean_server_uri, jwks_uri, "jwks_uri"))
    if given == ["tls_ura"]:
        try:
            return Authentication(tls_ura=Ura(tls_ura).value)
        except UraInvalid as exc:
            raise CareAppAuthenticationInvalid("tls_ura is not 8 digits", field="tls_ura") from exc
    return Authentication(tls_subject_dn=_at("tls_subject_dn", clean_subject_dn, tls_subject_dn))


def _at(field: str, check, *args):
    """``check(*args)``; an input error it raises names ``field`` (the form shows it there)."""
    try:
        return check(*args)
    except CareAppInputError as error:
        error.field = error.field or field
        raise


# --- The operator's actions ----------------------------------------------------------------------------------


def add_application(*, name: object, supplier: object, versions: object, redirect_uris: object,
                    products: object = None, jwks: object = None, jwks_uri: object = "", tls_ura: object = "",
                    tls_subject_dn: object = "", post_logout_redirect_uris: object = (),
                    backchannel_logout_uri: object = "", wid_check_allowed: object = False, actor: str,
                    ip: str = "") -> CareApplication:
    """The operator registers an accepted application with its accepted versions; it gets a new client_id. It may
    ask the scope wid_check only when ``wid_check_allowed`` (docs/koppelen.md)."""
    name = _at("name", _line, name, "name")
    supplier = _at("supplier", _line, supplier, "supplier")
    versions = _at("versions", clean_versions, versions)
    redirect_uris = _at("redirect_uris", lambda: clean_uris(redirect_uris, "redirect_uri", at_least=1))
    products = _at("products", clean_products, products)
    authentication = clean_authentication(jwks=jwks, jwks_uri=jwks_uri, tls_ura=tls_ura,
                                          tls_subject_dn=tls_subject_dn)
    post_logout_redirect_uris = _at("post_logout_redirect_uris", lambda: clean_uris(
        post_logout_redirect_uris or (), "post_logout_redirect_uri", at_least=0))
    backchannel_logout_uri = (_at("backchannel_logout_uri", clean_server_uri, backchannel_logout_uri,
                                  "backchannel_logout_uri") if backchannel_logout_uri not in (None, "") else "")
    wid_check_allowed = _at("wid_check_allowed", clean_flag, wid_check_allowed, "wid_check_allowed")
    now = clock.now()
    with transaction.atomic():
        application = CareApplication.objects.create(
            name=name, supplier=supplier, products=products, redirect_uris=redirect_uris,
            wid_check_allowed=wid_check_allowed,
            post_logout_redirect_uris=post_logout_redirect_uris, backchannel_logout_uri=backchannel_logout_uri,
            jwks=authentication.jwks, jwks_uri=authentication.jwks_uri, tls_ura=authentication.tls_ura,
            tls_subject_dn=authentication.tls_subject_dn, created_at=now, updated_at=now)
        CareAppVersion.objects.bulk_create(
            [CareAppVersion(application=application, version=version, changed_at=now) for version in versions])
        details = {"name": name, "supplier": supplier, "versions": versions, "products": products,
                   "redirect_uris": redirect_uris, "authentication": _authentication_kind(authentication),
                   "wid_check_allowed": wid_check_allowed}
        _event(application, "added", details, actor=actor, ip=ip)
    return application


UNCHANGED = None  # change_application: an item given as None stays as it is


def change_application(client_id: object, *, name: object = UNCHANGED, supplier: object = UNCHANGED,
                       products: object = UNCHANGED, redirect_uris: object = UNCHANGED,
                       post_logout_redirect_uris: object = UNCHANGED, backchannel_logout_uri: object = UNCHANGED,
                       jwks: object = UNCHANGED, jwks_uri: object = UNCHANGED, tls_ura: object = UNCHANGED,
                       tls_subject_dn: object = UNCHANGED, wid_check_allowed: object = UNCHANGED, actor: str,
                       ip: str = "") -> CareApplication:
    """The supplier's new addresses, keys or names (docs/koppelen.md): each item given replaces the registered one
    by the same checks as ``add_application``; an empty back-channel address or list of post-logout addresses
    removes them. Giving any way to authenticate replaces the registered one (exactly one, as when adding).
    A withdrawn application no longer changes."""
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = _at("name", _line, name, "name")
    if supplier is not None:
        changes["supplier"] = _at("supplier", _line, supplier, "supplier")
    if products is not None:
        changes["products"] = _at("products", clean_products, products)
    if redirect_uris is not None:
        changes["redirect_uris"] = _at("redirect_uris", lambda: clean_uris(redirect_uris, "redirect_uri", at_least=1))
    if post_logout_redirect_uris is not None:
        changes["post_logout_redirect_uris"] = _at("post_logout_redirect_uris", lambda: clean_uris(
            post_logout_redirect_uris, "post_logout_redirect_uri", at_least=0))
    if backchannel_logout_uri is not None:
        changes["backchannel_logout_uri"] = (_at("backchannel_logout_uri", clean_server_uri, backchannel_logout_uri,
                                                 "backchannel_logout_uri") if backchannel_logout_uri != "" else "")
    if wid_check_allowed is not None:
        changes["wid_check_allowed"] = _at("wid_check_allowed", clean_flag, wid_check_allowed, "wid_check_allowed")
    authentication = None
    if any(value is not None for value in (jwks, jwks_uri, tls_ura, tls_subject_dn)):
        authentication = clean_authentication(jwks=jwks, jwks_uri=jwks_uri, tls_ura=tls_ura,
                                              tls_subject_dn=tls_subject_dn)
        changes.update(jwks=authentication.jwks, jwks_uri=authentication.jwks_uri, tls_ura=authentication.tls_ura,
                       tls_subject_dn=authentication.tls_subject_dn)
    if not changes:
        raise CareAppDataInvalid("nothing to change")
    application = get(client_id)
    with transaction.atomic():
        application = CareApplication.objects.select_for_update().get(pk=application.pk)
        if application.status == CareAppStatus.WITHDRAWN:
            raise CareAppStateConflict("the application is withdrawn: it no longer changes")
        for field_name, value in changes.items():
            setattr(application, field_name, value)
        application.updated_at = clock.now()
        application.save(update_fields=[*changes, "updated_at"])
        details = {key: value for key, value in changes.items() if key not in (
            "jwks", "jwks_uri", "tls_ura", "tls_subject_dn")}
        if authentication is not None:
            details["authentication"] = _authentication_kind(authentication)
        _event(application, "changed", details, actor=actor, ip=ip)
    return application


def _authentication_kind(authentication: Authentication) -> str:
    if authentication.jwks is not None:
        return "private_key_jwt (jwks: " + ", ".join(key["kid"] for key in authentication.jwks["keys"]) + ")"
    if authentication.jwks_uri:
        return f"private_key_jwt (jwks_uri: {authentication.jwks_uri})"
    if authentication.tls_ura:
        return f"tls_client_auth (URA {authentication.tls_ura})"
    return f"tls_client_auth ({authentication.tls_subject_dn})"


# what the history rows' actions say, for the pages and the command line
EVENT_LABELS = {
    "added": _("geregistreerd"), "changed": _("gewijzigd"), "suspended": _("opgeschort"),
    "reinstated": _("weer geaccepteerd"), "withdrawn": _("ingetrokken"), "version_accepted": _("versie geaccepteerd"),
    "version_refused": _("versie geweigerd"),
}


def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


# status changes: action -> (the statuses it starts from, the status it leads to)
TRANSITIONS = {
    "suspended": ((CareAppStatus.ACCEPTED,), CareAppStatus.SUSPENDED),
    "withdrawn": ((CareAppStatus.ACCEPTED, CareAppStatus.SUSPENDED), CareAppStatus.WITHDRAWN),
    "reinstated": ((CareAppStatus.SUSPENDED,), CareAppStatus.ACCEPTED),
}


def suspend(client_id: object, *, actor: str, ip: str = "", reason: object = "") -> CareApplication:
    """An accepted application can no longer log in, until it is reinstated."""
    return _change_status(client_id, "suspended", actor=actor, ip=ip, reason=reason)


def withdraw(client_id: object, *, actor: str, ip: str = "", reason: object = "") -> CareApplication:
    """The acceptance ends for good: a withdrawn application is never reinstated (register it again instead)."""
    return _change_status(client_id, "withdrawn", actor=actor, ip=ip, reason=reason)


def reinstate(client_id: object, *, actor: str, ip: str = "", reason: object = "") -> CareApplication:
    """A suspended application is accepted again."""
    return _change_status(client_id, "reinstated", actor=actor, ip=ip, reason=reason)


def _change_status(client_id: object, action: str, *, actor: str, ip: str, reason: object) -> CareApplication:
    reason = _line(reason, "reason", 500) if reason not in (None, "") else ""
    sources, target = TRANSITIONS[action]
    application = get(client_id)
    with transaction.atomic():
        changed = CareApplication.objects.filter(pk=application.pk, status__in=sources).update(
            status=target, updated_at=clock.now())  # conditional: two racing changes cannot both win
        if not changed:
            current = CareApplication.objects.get(pk=application.pk).get_status_display()
            raise CareAppStateConflict(f"cannot be {action}: the application is {current}")
        application.refresh_from_db()
        _event(application, action, {"status": target.value, **({"reason": reason} if reason else {})},
               actor=actor, ip=ip)
    return application


def accept_version(client_id: object, version: object, *, actor: str, ip: str = "") -> CareAppVersion:
    """A version is accepted: a new one, or one that was refused."""
    return _set_version(client_id, version, VersionState.ACCEPTED, actor=actor, ip=ip)


def refuse_version(client_id: object, version: object, *, actor: str, ip: str = "") -> CareAppVersion:
    """A version is refused: its logins are refused from now on (also a version not yet in the register)."""
    return _set_version(client_id, version, VersionState.REFUSED, actor=actor, ip=ip)


def _set_version(client_id: object, version: object, state: VersionState, *, actor: str,
                 ip: str) -> CareAppVersion:
    version = clean_version(version)
    application = get(client_id)
    action = "version_accepted" if state == VersionState.ACCEPTED else "version_refused"
    with transaction.atomic():
        application = CareApplication.objects.select_for_update().get(pk=application.pk)
        if application.status == CareAppStatus.WITHDRAWN:
            raise CareAppStateConflict("the application is withdrawn: its versions no longer change")
        row = CareAppVersion.objects.select_for_update().filter(application=application, version=version).first()
        if row is not None and row.state == state:
            raise CareAppStateConflict(f"version {version} is already {row.get_state_display()}")
        now = clock.now()
        if row is None:
            row = CareAppVersion.objects.create(application=application, version=version, state=state, changed_at=now)
        else:
            row.state, row.changed_at = state, now
            row.save(update_fields=["state", "changed_at"])
        CareApplication.objects.filter(pk=application.pk).update(updated_at=now)
        application.updated_at = now
        _event(application, action, {"version": version}, actor=actor, ip=ip)
    return row


def _event(application: CareApplication, action: str, details: dict, *, actor: str, ip: str) -> None:
    """The register's history row and the audit event, in the caller's transaction."""
    CareAppEvent.objects.create(application=application, at=application.updated_at, actor=actor[:128],
                                action=action, details=details)
    record(f"care_app.{action}", actor=actor, subject=f"care_app:{application.client_id}", ip=ip,
           details={"name": application.name, **details})
