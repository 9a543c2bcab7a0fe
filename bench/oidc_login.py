"""Benchmark: complete logins at a healthcare application through zorgid's OpenID Connect provider, next to the
portal's own login, against zorgid served as in production (PostgreSQL, gunicorn gthread). See bench/README.md.

One login at the application (docs/koppelen.md): the browser follows the application's authorization request to
``GET /oidc/authorize`` (zorgid checks it and shows the QR page), long-polls the page's status, and after the app
has approved (fetch the flow, unlock the key share, sign, approve) asks ``…/verder`` for the redirect with the
code; the application's server exchanges the code at ``POST /oidc/token`` with a ``private_key_jwt`` client
assertion (RFC 7523, PyJWT), verifies the ID token against ``/oidc/jwks`` and calls ``GET /oidc/userinfo``. It is
complete when userinfo has answered.

Server, database, Mobile IDs, the portal's login with its app and QR page, the load loop, the Django set-up snippet
and the figures come from bench/login.py: run it as a script, ``python bench/oidc_login.py``.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import json
import os
import re
import secrets
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from login import (
    REQUEST_KINDS,
    Device,
    Login,
    MemorySampler,
    Results,
    Server,
    SimulatedUser,
    StepFailed,
    add_load_options,
    add_server_options,
    background_cores,
    bench_environment,
    check_load_options,
    clean_up,
    django_snippet,
    failure_kind,
    free_port,
    lift_client_limits,
    load,
    log,
    login_payload,
    make_devices,
    migrate,
    ms_row,
    percentile,
    server_times,
    start_server,
    wait_until_serving,
    zorgid_command,
)

REDIRECT_URI = "http://127.0.0.1:9/callback"  # never opened: the browser's last redirect is read, not followed
VERSION = "1.0"
URA = "90000382"
OIDC_KINDS = (
    ("GET /oidc/authorize  (checks, new flow, QR page)", re.compile(r"GET /oidc/authorize$")),
    ("GET /oidc/authorize/<id>/status?wait=1  (long-poll)", re.compile(r"GET /oidc/authorize/<str:flow_id>/status$")),
    *((kind, pattern) for kind, pattern in REQUEST_KINDS if "(app)" in kind),
    ("GET /oidc/authorize/<id>/verder  (organisation, code)", re.compile(r"GET /oidc/authorize/<str:flow_id>/verder$")),
    ("POST /oidc/token  (assertion, code, ID token)", re.compile(r"POST /oidc/token$")),
    ("GET /oidc/userinfo  (access token, claims)", re.compile(r"GET /oidc/userinfo$")),
)

# Every Mobile ID's person (the operators login.make_devices made) becomes a medewerker of one organisation with
# the UZI attributes of a card linked: the claims of the scope uzi are then those of a real employee.
EMPLOYEES = """
import sys
import django
django.setup()
from zorgid.identities.models import MobileId
from zorgid.identities.services import link_uzi_attributes
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation
organisation = add_organisation(name="Huisartsenpraktijk Bench", ura=sys.argv[1], kvk="12345678", actor="bench")
for number, mobile_id in enumerate(MobileId.objects.select_related("person").order_by("id")):
    grant_role(mobile_id.person, Role.MEDEWERKER, organisation, actor="bench")
    link_uzi_attributes(mobile_id, {"uzi_number": f"9{number:08d}", "card_type": "Z", "ura": sys.argv[1],
                                    "role": "01.015", "agb": "00000000", "common_name": mobile_id.person.full_name,
                                    "organisation": organisation.name, "serial_number": str(number)}, actor="bench")
print(MobileId.objects.count())
"""


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Serve zorgid as in production (PostgreSQL, gunicorn gthread) and measure complete logins at a "
                    "healthcare application through the OpenID Connect provider (authorize, QR, app approval, "
                    "status, continue, code, token with private_key_jwt, userinfo), next to the portal's login "
                    "with the same server, Mobile IDs and load.",
    )
    add_load_options(parser, duration=15.0, per=", per kind of login")
    parser.add_argument("--no-portal", action="store_true",
                        help="measure only the logins at the application, not the portal's for comparison")
    add_server_options(parser)
    return check_load_options(parser, parser.parse_args(argv))


# ----------------------------------------------------------------------------------------- the application


@dataclass
class Application:
    """The registered application as its server knows itself: client_id, private key, and zorgid's metadata."""

    client_id: str
    key: rsa.RSAPrivateKey
    kid: str
    metadata: dict
    id_token_keys: dict  # kid -> public key (PyJWT), from /oidc/jwks

    def assertion(self) -> str:
        """A private_key_jwt client assertion (RFC 7523): one use, valid 60 s."""
        now = int(time.time())
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": self.metadata["token_endpoint"],
                  "iat": now, "exp": now + 60, "jti": secrets.token_urlsafe(24)}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def verify(self, id_token: str, nonce: str) -> dict:
        kid = jwt.get_unverified_header(id_token).get("kid")
        claims = jwt.decode(id_token, self.id_token_keys[kid], algorithms=["RS256"], audience=self.client_id,
                            issuer=self.metadata["issuer"])
        if claims.get("nonce") != nonce:
            raise StepFailed("ID token: wrong nonce")
        return claims


def register_application(zorgid: str, env: dict, home: Path, base_url: str) -> Application:
    """Its RSA key as a JWK Set, ``zorgid apps add`` (as the operator does it), zorgid's discovery and JWKS."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    kid = secrets.token_hex(8)
    public.update(kid=kid, use="sig", alg="RS256")
    jwks_path = home / "application-jwks.json"
    jwks_path.write_text(json.dumps({"keys": [public]}))
    result = subprocess.run(
        [zorgid, "apps", "add", "--name", "Bench EPD", "--supplier", "Bench B.V.", "--version", VERSION,
         "--redirect-uri", REDIRECT_URI, "--jwks", str(jwks_path)],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    found = [line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if line.startswith("client_id:")]
    if result.returncode != 0 or not found:
        raise RuntimeError(f"zorgid apps add failed ({result.returncode}): {result.stdout[-500:]}"
                           f"{result.stderr[-500:]}")
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        metadata = client.get("/.well-known/openid-configuration").raise_for_status().json()
        keys = client.get(metadata["jwks_uri"]).raise_for_status().json()
    id_token_keys = {item["kid"]: jwt.PyJWK.from_dict(item).key for item in keys["keys"]}
    return Application(found[0], key, kid, metadata, id_token_keys)


# ------------------------------------------------------------------------------------------------ the load


@dataclass
class OidcLogin(Login):
    """login.Login's moments (browser_done: the status long-poll saw done), and the steps after it."""

    code_received: float = 0.0  # …/verder answered with the redirect to the application
    token_done: float = 0.0  # POST /oidc/token answered, ID token verified
    userinfo_done: float = 0.0  # GET /oidc/userinfo answered: the login is complete

    @property
    def completed(self) -> float:
        return self.userinfo_done


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class OidcUser(SimulatedUser):
    """One person logging in at the application again and again: login.SimulatedUser's fresh browser session per
    login and app, and the application's server (its own connection pool)."""

    status_path = "/oidc/authorize/{}/status"

    def __init__(self, base_url: str, device: Device, polls: ThreadPoolExecutor, tls: ssl.SSLContext, *,
                 application: Application):
        super().__init__(base_url, device, polls, tls)
        self.application = application
        self.server = self.client(base_url, tls)

    def close(self) -> None:
        super().close()
        self.server.close()

    def login(self, scheduled: float | None = None) -> OidcLogin:
        application, metadata = self.application, self.application.metadata
        self.browser.cookies.clear()
        verifier, challenge = pkce()
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        started = time.perf_counter()
        page = self.browser.get(urlsplit(metadata["authorization_endpoint"]).path, params={
            "client_id": application.client_id, "redirect_uri": REDIRECT_URI, "response_type": "code",
            "scope": "openid profile uzi", "state": state, "nonce": nonce, "code_challenge": challenge,
            "code_challenge_method": "S256", "application_version": VERSION})
        payload = login_payload(page, "authorize")
        approved = self.approve(payload.flow)

        response = self.browser.get(f"/oidc/authorize/{payload.flow}/verder")
        code_received = time.perf_counter()
        location = response.headers.get("location", "")
        answer = parse_qs(urlsplit(location).query)
        if response.status_code != 302 or not location.startswith(REDIRECT_URI) or "code" not in answer:
            raise StepFailed(failure_kind("continue", response) + f" {answer.get('error_description', [''])[0][:80]}")
        if answer.get("state") != [state]:
            raise StepFailed("continue: wrong state")

        response = self.server.post(urlsplit(metadata["token_endpoint"]).path, data={
            "grant_type": "authorization_code", "code": answer["code"][0], "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier, "client_id": application.client_id,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": application.assertion()})
        if response.status_code != 200:
            raise StepFailed(failure_kind("token", response) + f" {response.text[:80]}")
        tokens = response.json()
        claims = application.verify(tokens["id_token"], nonce)
        token_done = time.perf_counter()
        response = self.server.get(urlsplit(metadata["userinfo_endpoint"]).path,
                                   headers={"Authorization": f"Bearer {tokens['access_token']}"})
        if response.status_code != 200 or response.json().get("sub") != claims["sub"]:
            raise StepFailed(failure_kind("userinfo", response))
        return OidcLogin(started if scheduled is None else scheduled, started, *approved, code_received, token_done,
                         time.perf_counter())


# ---------------------------------------------------------------------------------------------- report


@dataclass
class Phase:
    name: str
    results: Results
    elapsed: float
    cpu: dict
    times: list[tuple[str, list[float]]]

    @property
    def rate(self) -> float:
        return len(self.results.logins) / self.elapsed if self.elapsed else 0.0

    def per_login_ms(self, key: str) -> float:
        return self.cpu[key] / len(self.results.logins) * 1000 if self.results.logins else float("nan")


def measure(args, server: Server, devices: list[Device], sampler: MemorySampler, name: str, user,
            requests) -> Phase:
    """login.load with ``user`` (a SimulatedUser, or an OidcUser), and the server's time of the ``requests`` (kind,
    pattern) it made."""
    log(f"{name}: {args.concurrency} simulated users, {args.warmup:g} s + {args.duration:g} s")
    start = server.log_path.stat().st_size
    results, elapsed, cpu = load(args, server.base_url, devices, server.process.pid, sampler, user)
    return Phase(name, results, elapsed, cpu,
                 server_times(server.log_path, requests, start, server.log_path.stat().st_size))


def print_phase(phase: Phase) -> None:
    results = phase.results
    whole = [x.completed - x.started for x in results.logins]
    failed = sum(results.errors.values())
    print(f"  {phase.name}")
    print(f"    complete logins        {len(results.logins)} in {phase.elapsed:.1f} s = {phase.rate:.1f} per second")
    print(f"    failed logins          {failed}")
    for kind, count in results.errors.most_common(8):
        print(f"      {count:6d}  {kind}")
    print(f"    whole login, ms        {ms_row(whole, (50, 95))}")
    span = phase.cpu["wall"]
    print(f"    CPU, cores busy        workers {phase.cpu['workers'] / span:4.2f}  PostgreSQL "
          f"{phase.cpu['postgres'] / span:4.2f}  load generator {phase.cpu['bench'] / span:4.2f}  machine "
          f"{phase.cpu['machine'] / span:4.2f}")
    print(f"    server CPU per login   workers {phase.per_login_ms('workers'):6.1f} ms + PostgreSQL "
          f"{phase.per_login_ms('postgres'):5.1f} ms = "
          f"{phase.per_login_ms('workers') + phase.per_login_ms('postgres'):6.1f} ms")
    print("    time inside the server per request (access log, warm-up included), ms")
    for kind, values in phase.times:
        print(f"      {kind:56s} n {len(values):6d}  {ms_row(values, (50, 95)) if values else 'n/a'}")


def report(args, portal: Phase | None, oidc: Phase) -> bool:
    print()
    mode = (f"open loop at {args.rate:g} logins/s, at most {args.concurrency} under way" if args.rate else
            f"closed loop, {args.concurrency} simulated users")
    print(f"zorgid login at an application (OpenID Connect) benchmark: {args.workers} workers x {args.threads} "
          f"threads, {mode}, {args.users} Mobile IDs (medewerkers with UZI attributes), {args.duration:g} s measured "
          f"after {args.warmup:g} s warm-up per kind, PostgreSQL, {os.cpu_count()} cores")
    logins = oidc.results.logins
    if portal is not None:
        print_phase(portal)
    print_phase(oidc)
    print("    latency of the steps at the application, ms (nearest rank)")
    to_approval = [x.approval_sent - x.started for x in logins]
    print(f"      authorize -> approval sent            {ms_row(to_approval)}  (QR page, the app's fetch and unlock)")
    print(f"      approval sent -> browser sees done    {ms_row([x.browser_done - x.approval_sent for x in logins])}")
    print(f"      done -> redirect with code            {ms_row([x.code_received - x.browser_done for x in logins])}")
    print(f"      code -> token answered, ID token ok   {ms_row([x.token_done - x.code_received for x in logins])}")
    print(f"      userinfo                              {ms_row([x.userinfo_done - x.token_done for x in logins])}")
    if portal is not None and portal.results.logins and logins:
        cost = ((oidc.per_login_ms("workers") + oidc.per_login_ms("postgres"))
                / (portal.per_login_ms("workers") + portal.per_login_ms("postgres")))
        print(f"  at the application vs the portal: {oidc.rate:.1f} vs {portal.rate:.1f} logins/s; server CPU per "
              f"login x{cost:.2f}; whole login p50 "
              f"{percentile([x.completed - x.started for x in logins], 50) * 1000:.0f} vs "
              f"{percentile([x.completed - x.started for x in portal.results.logins], 50) * 1000:.0f} ms")
    ok = True
    for phase in (portal, oidc):
        if phase is not None:
            attempts = len(phase.results.logins) + sum(phase.results.errors.values())
            ok = ok and attempts > 0 and sum(phase.results.errors.values()) <= 0.01 * attempts
    return ok


# ------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    zorgid = zorgid_command(args.zorgid)
    port = args.port or free_port()
    made_database = args.database_url is None
    database_url, home, env = bench_environment(port, args.database_url, "zorgid-bench-oidc-")
    lift_client_limits(env)
    server: Server | None = None
    sampler: MemorySampler | None = None
    background_cores()
    try:
        if not migrate(zorgid, env, database_url if made_database else None):
            return 2
        log(f"zorgid serve --port {port} --workers {args.workers} --threads {args.threads}")
        server = start_server(zorgid, env, home, port, args.workers, args.threads)
        try:
            wait_until_serving(server, args.workers)
            devices = make_devices(zorgid, env, home, server.base_url, args.users)
            made = django_snippet(env, EMPLOYEES, URA).strip().splitlines()[-1]
            application = register_application(zorgid, env, home, server.base_url)
        except RuntimeError as exc:
            log(f"set-up failed: {exc}\n{server.tail()}")
            return 2
        log(f"{len(devices)} Mobile IDs, {made} medewerkers of URA {URA} with UZI attributes; application "
            f"{application.client_id} registered")
        sampler = MemorySampler(server.process.pid)
        sampler.start()
        portal = None
        if not args.no_portal:
            portal = measure(args, server, devices, sampler, "the portal's login (bench/login.py)", SimulatedUser,
                             REQUEST_KINDS)
        oidc = measure(args, server, devices, sampler, "the login at an application (OpenID Connect)",
                       functools.partial(OidcUser, application=application), OIDC_KINDS)
        status = 0
        if server.process.poll() is not None:
            log(f"the server exited during the load (status {server.process.returncode}):\n{server.tail()}")
            status = 2
        if not report(args, portal, oidc) and status == 0:
            status = 1
        return status
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        clean_up(home, server, sampler, database_url if made_database else None)


if __name__ == "__main__":
    sys.exit(main())
