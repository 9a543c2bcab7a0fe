"""Zorgapplicatie Voorbeeld: a healthcare application that logs its users in with ZORG-ID.

It is written against a general OpenID Connect client library (Authlib's Flask client), not against zorgid, and
imports nothing of zorgid: a supplier's application does what this one does (docs/koppelen.md).

- discovery from ``ZORGAPP_ISSUER`` (``/.well-known/openid-configuration``);
- the authorization code flow with PKCE (S256), ``state`` and ``nonce`` (Authlib makes and checks them), and the
  authorize parameter ``application_version`` that zorgid checks against its register;
- client authentication ``private_key_jwt`` (RFC 7523): Authlib's ``PrivateKeyJWT`` signs the assertion with the
  application's private key; zorgid knows the public key from the register (``zorgid apps add --jwks``);
- the ID token checked by Authlib (signature against zorgid's JWKS, iss, aud, exp, nonce), then userinfo with the
  access token (its ``sub`` must be the ID token's);
- RP-initiated logout at zorgid's ``end_session_endpoint`` with ``id_token_hint`` and ``post_logout_redirect_uri``,
  and back-channel logout (``POST /backchannel-logout``: a signed logout token ends the session of its ``sid``).

Commands::

    python examples/zorgapplicatie/app.py keys --out DIR    # private.jwk (0600) and jwks.json (public)
    python examples/zorgapplicatie/app.py serve             # configuration from the environment (README.md)

Development only: zorgid over plain http on 127.0.0.1 needs ``AUTHLIB_INSECURE_TRANSPORT=1``; the application
refuses plain http to any other host.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from flask import Flask, abort, redirect, render_template, request, session, url_for
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

NAME = "Zorgapplicatie Voorbeeld"
SCOPE = "openid profile uzi"
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
ASSERTION_SECONDS = 60  # a client assertion is used at once (ZORG-ID refuses one valid longer than an hour)
LOOPBACK_NAMES = {"localhost"}


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and what to do (in Dutch)."""


# --- configuration ---------------------------------------------------------------------------------------------

REQUIRED = {
    "ZORGAPP_ISSUER": "het adres van ZORG-ID, bijvoorbeeld http://127.0.0.1:8000 (acceptatie: zie docs/koppelen.md)",
    "ZORGAPP_CLIENT_ID": "de client_id die 'zorgid apps add' bij de registratie gaf",
    "ZORGAPP_KEY": "het bestand private.jwk dat 'app.py keys --out MAP' maakte",
    "ZORGAPP_VERSION": "de versie van deze applicatie zoals die in het register van ZORG-ID staat, bijvoorbeeld 1.0",
    "ZORGAPP_SECRET_KEY": "een willekeurige geheime sleutel voor de sessiecookie (minstens 32 tekens), bijvoorbeeld "
                          "uit: python -c 'import secrets; print(secrets.token_hex(32))'",
}


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    key: RSAKey = field(repr=False)
    version: str
    secret_key: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 5000
    base_url: str = ""
    scope: str = SCOPE

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/callback"

    @property
    def post_logout_redirect_uri(self) -> str:
        return f"{self.base_url}/uitgelogd"

    @property
    def backchannel_logout_uri(self) -> str:
        return f"{self.base_url}/backchannel-logout"


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(name: str, url: str, environ) -> None:
    """https, or plain http on loopback with AUTHLIB_INSECURE_TRANSPORT=1 (development only)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme != "http" or not parts.hostname:
        raise ConfigError(f"{name}={url!r} is geen http(s)-adres.")
    if not _is_loopback(parts.hostname):
        raise ConfigError(f"{name}={url!r}: gewone http mag alleen naar 127.0.0.1 of localhost (ontwikkeling); "
                          "gebruik https.")
    if not environ.get("AUTHLIB_INSECURE_TRANSPORT"):
        raise ConfigError(f"{name}={url!r} gebruikt gewone http: zet AUTHLIB_INSECURE_TRANSPORT=1 "
                          "(alleen voor ontwikkeling op 127.0.0.1; in acceptatie en productie https).")


def load_key(path: str) -> RSAKey:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"ZORGAPP_KEY: het bestand {path} bestaat niet; maak het met 'app.py keys --out MAP'.") \
            from error
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError(f"ZORGAPP_KEY: {path} is geen JSON-bestand met een sleutel (JWK): {error}") from error
    if not isinstance(data, dict) or data.get("kty") != "RSA" or "d" not in data or not data.get("kid"):
        raise ConfigError(f"ZORGAPP_KEY: {path} is geen private RSA-sleutel (JWK met kid); gebruik private.jwk, "
                          "niet jwks.json.")
    try:
        return RSAKey.import_key(data)
    except (JoseError, ValueError, TypeError) as error:
        raise ConfigError(f"ZORGAPP_KEY: {path} is geen geldige RSA-sleutel: {error}") from error


def load_config(environ=None) -> Config:
    environ = os.environ if environ is None else environ
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    if missing:
        raise ConfigError("niet ingesteld:\n" + "\n".join(f"  {name}: {REQUIRED[name]}" for name in missing))
    issuer = environ["ZORGAPP_ISSUER"].strip().rstrip("/")
    check_transport("ZORGAPP_ISSUER", issuer, environ)
    secret_key = environ["ZORGAPP_SECRET_KEY"]
    if len(secret_key) < 32:
        raise ConfigError(f"ZORGAPP_SECRET_KEY is te kort: {REQUIRED['ZORGAPP_SECRET_KEY']}.")
    port_text = environ.get("ZORGAPP_PORT", "5000").strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"ZORGAPP_PORT={port_text!r} is geen poortnummer (1-65535).")
    port = int(port_text)
    host = environ.get("ZORGAPP_HOST", "127.0.0.1").strip()
    base_url = environ.get("ZORGAPP_BASE_URL", "").strip().rstrip("/") or f"http://{host}:{port}"
    check_transport("ZORGAPP_BASE_URL", base_url, environ)
    return Config(issuer=issuer, client_id=environ["ZORGAPP_CLIENT_ID"].strip(),
                  key=load_key(environ["ZORGAPP_KEY"]), version=environ["ZORGAPP_VERSION"].strip(),
                  secret_key=secret_key, host=host, port=port, base_url=base_url,
                  scope=environ.get("ZORGAPP_SCOPE", SCOPE).strip() or SCOPE)


class ShortLivedPrivateKeyJWT(PrivateKeyJWT):
    """Authlib's private_key_jwt with an assertion valid ASSERTION_SECONDS instead of Authlib's default hour, and
    with the key's ``kid`` in its header (docs/koppelen.md: client authentication)."""

    def sign(self, auth, token_endpoint):
        return private_key_jwt_sign(auth.client_secret, client_id=auth.client_id, token_endpoint=token_endpoint,
                                    alg=self.alg, header=dict(self.headers or {}), expires_in=ASSERTION_SECONDS)


# --- the logged-in users (kept in this process; the cookie holds only a random key) ---------------------------

@dataclass
class Login:
    id_token: str = field(repr=False)
    claims: dict
    userinfo: dict
    at: float


class Logins:
    """Who is logged in here. A back-channel logout ends the logins of its ``sid`` (or of its ``sub``)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_key: dict[str, Login] = {}

    def add(self, login: Login) -> str:
        key = secrets.token_urlsafe(32)
        with self._lock:
            self._by_key[key] = login
        return key

    def get(self, key: str | None) -> Login | None:
        with self._lock:
            return self._by_key.get(key) if key else None

    def remove(self, key: str | None) -> Login | None:
        with self._lock:
            return self._by_key.pop(key, None) if key else None

    def end(self, *, sid: str | None, sub: str | None) -> int:
        with self._lock:
            field, value = ("sid", sid) if sid else ("sub", sub)
            ended = [key for key, login in self._by_key.items() if value and login.claims.get(field) == value]
            for key in ended:
                del self._by_key[key]
        return len(ended)


# --- the application ----------------------------------------------------------------------------------------

def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="zorgapp_session",  # ZORG-ID on the same host has its own cookies; ports do not separate
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # the redirect back from ZORG-ID is a top-level GET: the cookie comes along
        SESSION_COOKIE_SECURE=config.base_url.startswith("https://"),
    )
    app.extensions["zorgapp.config"] = config
    logins = Logins()
    app.extensions["zorgapp.logins"] = logins

    oauth = OAuth(app)
    zorgid = oauth.register(
        "zorgid",
        client_id=config.client_id,
        client_secret=config.key,  # not a secret: the private key PrivateKeyJWT signs with (private_key_jwt)
        server_metadata_url=f"{config.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": config.scope, "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "private_key_jwt", "default_timeout": 10},
        # the kid tells ZORG-ID which of the registered keys signed; a new jti for every assertion
        client_auth_methods=[ShortLivedPrivateKeyJWT(headers={"kid": config.key.kid})],
        authorize_params={"application_version": config.version},
    )

    def current_login() -> Login | None:
        return logins.get(session.get("login"))

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)
        return session["csrf"]

    app.jinja_env.globals.update(csrf_token=csrf_token, app_name=NAME, issuer=config.issuer)

    def error_page(title: str, detail: str, status: int, code: str = ""):
        return render_template("fout.html", title=title, detail=detail, code=code), status

    @app.after_request
    def no_store(response):
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.get("/")
    def home():
        return render_template("home.html", login=current_login())

    @app.get("/inloggen")
    def log_in():
        extra = {}
        ura = request.args.get("ura", "").strip()
        if ura:
            if not (ura.isdigit() and len(ura) == 8):
                return error_page("Ongeldig URA-nummer", "Een URA-nummer bestaat uit 8 cijfers.", 400)
            extra["ura"] = ura
        try:
            return zorgid.authorize_redirect(config.redirect_uri, **extra)
        except (requests.RequestException, ValueError) as error:
            return unreachable(error)

    @app.get("/callback")
    def callback():
        if request.args.get("error"):
            zorgid.framework.clear_state_data(session, request.args.get("state"))
            description = request.args.get("error_description", "")
            code = next((word.strip(".,:;()") for word in description.split() if word.startswith("ZID-")), "")
            return error_page("ZORG-ID heeft het inloggen niet toegestaan",
                              f"{request.args['error']}: {description}", 400, code)
        try:
            token = zorgid.authorize_access_token()
            userinfo = dict(zorgid.userinfo(token=token))
        except OAuthError as error:
            return error_page("Inloggen mislukt", f"{error.error}: {error.description or ''}", 400)
        except JoseError as error:
            return error_page("Inloggen mislukt", f"Het ID-token is niet geldig: {error}", 400)
        except requests.HTTPError as error:
            return error_page("Inloggen mislukt", f"ZORG-ID gaf {error.response.status_code} op "
                              f"{urlsplit(error.request.url).path}.", 502)
        except requests.RequestException as error:
            return unreachable(error)
        claims = dict(token["userinfo"])  # the ID token's claims, checked by Authlib
        if userinfo.get("sub") != claims.get("sub"):  # OpenID Connect Core 5.3.2
            return error_page("Inloggen mislukt", "De gebruikersgegevens horen niet bij het ID-token.", 400)
        logins.remove(session.get("login"))
        session["login"] = logins.add(Login(token["id_token"], claims, userinfo, time.time()))
        return redirect(url_for("profile"))

    @app.get("/profiel")
    def profile():
        login = current_login()
        if login is None:
            return redirect(url_for("home"))
        person = {**login.claims, **login.userinfo}
        return render_template("profiel.html", login=login, person=person,
                               relations=person.get("relations") or [],
                               claims_json=json.dumps(login.claims, indent=2, ensure_ascii=False),
                               userinfo_json=json.dumps(login.userinfo, indent=2, ensure_ascii=False))

    @app.post("/uitloggen")
    def log_out():
        if not secrets.compare_digest(request.form.get("csrf", ""), session.get("csrf", "-")):
            abort(400)
        login = logins.remove(session.pop("login", None))
        if login is None:
            return redirect(url_for("home"))
        try:
            return zorgid.logout_redirect(post_logout_redirect_uri=config.post_logout_redirect_uri,
                                          id_token_hint=login.id_token)
        except (requests.RequestException, RuntimeError) as error:
            return unreachable(error)

    @app.get("/uitgelogd")
    def logged_out():
        if request.args.get("state"):
            try:
                zorgid.validate_logout_response()
            except OAuthError as error:
                return error_page("Uitloggen niet herkend", error.description or "", 400)
        return render_template("uitgelogd.html")

    @app.post("/backchannel-logout")
    def backchannel_logout():
        """OpenID Connect Back-Channel Logout 1.0: ZORG-ID ended the session (a block, a revoke, a logout)."""
        try:
            claims = verify_logout_token(zorgid, config, request.form.get("logout_token", ""))
        except (JoseError, ValueError) as error:
            return {"error": "invalid_request", "error_description": str(error)}, 400
        except requests.RequestException as error:  # ZORG-ID's keys could not be fetched: it will try again
            app.logger.warning("ZORG-ID niet bereikbaar: %s", error)
            return {"error": "temporarily_unavailable"}, 503
        ended = logins.end(sid=claims.get("sid"), sub=claims.get("sub"))
        app.logger.info("back-channel logout: %d sessie(s) beëindigd", ended)
        return "", 200

    def unreachable(error: Exception):
        app.logger.warning("ZORG-ID niet bereikbaar: %s", error)
        return error_page("ZORG-ID is niet bereikbaar", f"{config.issuer}: {type(error).__name__}", 502)

    return app


def verify_logout_token(client, config: Config, token: str) -> dict:
    """The logout token's signature against ZORG-ID's JWKS, and its claims (Back-Channel Logout 1.0, 2.6)."""
    if not token:
        raise ValueError("logout_token ontbreekt")
    metadata = client.load_server_metadata()
    algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    try:
        decoded = jwt.decode(token, KeySet.import_key_set(client.fetch_jwk_set()), algorithms=algorithms)
    except JoseError:  # a new key since the last fetch (rotation)
        decoded = jwt.decode(token, KeySet.import_key_set(client.fetch_jwk_set(force=True)), algorithms=algorithms)
    claims = decoded.claims
    jwt.JWTClaimsRegistry(leeway=120, iss={"essential": True, "value": metadata["issuer"]},
                          aud={"essential": True, "value": config.client_id},
                          iat={"essential": True}, jti={"essential": True}).validate(claims)
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise ValueError("events mist het back-channel-logout-event")
    if "nonce" in claims:
        raise ValueError("een logout token heeft geen nonce")
    if not claims.get("sid") and not claims.get("sub"):
        raise ValueError("sid en sub ontbreken")
    return claims


# --- commands -----------------------------------------------------------------------------------------------

def make_keys(out: Path, force: bool = False) -> tuple[Path, Path]:
    """An RSA key pair for private_key_jwt: private.jwk (owner-only) and jwks.json (public, for the register)."""
    out.mkdir(parents=True, exist_ok=True)
    private_path, public_path = out / "private.jwk", out / "jwks.json"
    if not force and (private_path.exists() or public_path.exists()):
        raise ConfigError(f"{private_path} of {public_path} bestaat al; kies een andere map of gebruik --force "
                          "(de oude sleutel werkt dan niet meer tot het register de nieuwe jwks.json kent).")
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
    key.ensure_kid()  # the RFC 7638 thumbprint
    private_path.unlink(missing_ok=True)
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(key.as_dict(private=True), file, indent=2)
        file.write("\n")
    public_path.write_text(json.dumps({"keys": [key.as_dict(private=False)]}, indent=2) + "\n", encoding="utf-8")
    return private_path, public_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app.py", description=f"{NAME}: inloggen met ZORG-ID (OpenID Connect).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="OPDRACHT")
    keys = commands.add_parser("keys", help="maak het sleutelpaar (private.jwk en jwks.json voor het register)")
    keys.add_argument("--out", required=True, type=Path, metavar="MAP", help="map voor private.jwk en jwks.json")
    keys.add_argument("--force", action="store_true", help="bestaande sleutels overschrijven")
    commands.add_parser("serve", help="start de applicatie (instellingen uit de omgeving, zie README.md)")
    args = parser.parse_args(argv)
    try:
        if args.command == "keys":
            private_path, public_path = make_keys(args.out, args.force)
            print(f"Private sleutel (geheim, alleen voor de applicatie): {private_path}")
            print(f"Publieke sleutel voor het register (zorgid apps add --jwks): {public_path}")
            return 0
        config = load_config()
    except ConfigError as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(config)
    print(f"{NAME} op {config.base_url} (ZORG-ID: {config.issuer}, client_id {config.client_id}, "
          f"versie {config.version})")
    print(f"  redirect_uri:             {config.redirect_uri}")
    print(f"  post_logout_redirect_uri: {config.post_logout_redirect_uri}")
    print(f"  backchannel_logout_uri:   {config.backchannel_logout_uri}", flush=True)
    app.run(host=config.host, port=config.port, debug=False, use_reloader=False, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
