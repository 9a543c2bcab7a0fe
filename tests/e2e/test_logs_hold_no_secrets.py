"""A real ``zorgid serve`` (and ``zorgid mail send``) logs one JSON object per line on stdout with the fields
docs/security.md ("Logs") names, and none of the secrets used in a full run: an activation with the app client, a
login at the portal, error pages, a login at the example application (examples/zorgapplicatie) whose code it
exchanges with its client assertion, and a login at the portal with a ZORG-ID Smartcard on SoftHSM2 with a refused
signature and a wrong card PIN on the way (tests/e2e/smartcard_session.py). Each secret of the run is looked for in
every form it travels in. The tokens the application received stay in its process: that they are not logged rests
on the access line's fixed fields.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.e2e.smartcard_session import Smartcard, log_in_with_the_smartcard, require_softhsm
from tests.e2e.test_oidc_login_browser import ExampleApplication
from tests.integration.applications.smtp import free_port
from zorgid.clients.app import keycrypt
from zorgid.protocol.payloads import parse_payload

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
PIN = "482916"
CODE_OF_PAYLOAD = re.compile(r"zorgid://activate\?\S*code=([A-Za-z0-9_-]+)")
PAYLOAD_LINK = re.compile(r'data-testid="login-payload">([^<]+)<')
REQUIRED = {"time", "level", "logger", "message"}
ACCESS = {"request_id", "route", "method", "status", "duration_ms"}


def forms(value: str | bytes) -> set[str]:
    """A secret as it may travel: as is; bytes in base64 (standard and URL-safe, with or without padding) and hex."""
    if isinstance(value, str):
        return {value}
    found = {base64.b64encode(value).decode(), base64.urlsafe_b64encode(value).decode(), value.hex()}
    return found | {f.rstrip("=") for f in found}


def run(env: dict, *args: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def start(env: dict, logs: Path, name: str, *args: str) -> subprocess.Popen:
    with (logs / f"{name}.out").open("wb") as out, (logs / f"{name}.err").open("wb") as err:
        return subprocess.Popen([str(BIN / "zorgid"), *args], env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)


def wait_until_serving(url: str, process: subprocess.Popen, logs: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            httpx.get(url + "/foutmeldingen", timeout=5)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"zorgid serve did not start: {(logs / 'serve.err').read_text()[-2000:]}")
            time.sleep(0.3)


def log_in(browser: httpx.Client, app: list[str], env: dict) -> None:
    """The portal's start page, the app scans its QR and accepts, the waiting page completes the login."""
    start_page = browser.get("/")
    payload = html.unescape(PAYLOAD_LINK.search(start_page.text).group(1))
    run(env, *app, "scan", payload, "--accept")
    flow = parse_payload(payload).flow
    deadline = time.monotonic() + 30
    while browser.get(f"/inloggen/status/{flow}").json().get("state") != "done":
        assert time.monotonic() < deadline, "the login did not complete"
        time.sleep(0.3)


SET_UP_EMPLOYEE = """
import django; django.setup()
from zorgid.identities.models import MobileId
from zorgid.identities.services import link_uzi_attributes
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation
linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="test")
mobile_id = MobileId.objects.get()
grant_role(mobile_id.person, Role.MEDEWERKER, linde, actor="test")
link_uzi_attributes(mobile_id, {"uzi_number": "900016528", "card_type": "Z", "ura": "90000382", "role": "01.015",
                    "agb": "00000000", "common_name": "Olga Operator", "organisation": "Huisartsenpraktijk De Linde",
                    "serial_number": "1234"}, actor="test")
"""


def log_in_at_the_example(example, app: list[str], env: dict) -> str:
    """The example application's login: zorgid's QR page, the app accepts, the application exchanges the code (with
    its client assertion) for the tokens and shows the profile. Answers the code from the callback's address."""
    with httpx.Client(timeout=30, follow_redirects=True) as browser:
        page = browser.get(example.url + "/inloggen")
        assert "/oidc/authorize" in str(page.url), page.text[-2000:]
        payload = html.unescape(PAYLOAD_LINK.search(page.text).group(1))
        status_url = html.unescape(re.search(r'data-status-url="([^"]+)"', page.text).group(1))
        run(env, *app, "scan", payload, "--accept")
        origin = str(page.url).split("/oidc/", 1)[0]
        deadline = time.monotonic() + 30
        while (answer := browser.get(origin + status_url).json()).get("state") != "done":
            assert time.monotonic() < deadline, "the login did not complete"
            time.sleep(0.3)
        profile = browser.get(origin + answer["next"])
        assert "Olga" in profile.text, profile.text[-2000:]
        callback = next(str(r.url) for r in [*profile.history, profile] if "/callback" in str(r.url))
        return parse_qs(urlsplit(callback).query)["code"][0]


def test_a_full_run_logs_json_lines_without_a_secret(tmp_path):
    require_softhsm()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    home, logs, app_home = tmp_path / "home", tmp_path / "logs", tmp_path / "app"
    home.mkdir()
    logs.mkdir()
    env = {**{k: v for k, v in os.environ.items()
              if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ZORGID_LOG_FORMAT", "ZORGID_PIN")},
           "ZORGID_HOME": str(home), "ZORGID_BASE_URL": url, "ZORGID_ENVIRONMENT": "acceptatie",
           "ZORGID_RATE_LIMIT_FACTOR": "100"}
    zorgid = str(BIN / "zorgid")
    run(env, zorgid, "migrate")
    added = run(env, zorgid, "operator", "add", "--first-names", "Olga", "--last-name", "Operator",
                "--birth-date", "01-01-1975")
    code = CODE_OF_PAYLOAD.search(added).group(1)
    activation_payload = CODE_OF_PAYLOAD.search(added).group(0)
    server = start(env, logs, "serve", "serve", "--port", str(port), "--workers", "1", "--threads", "8")
    mailer = start(env, logs, "mail", "mail", "send", "--interval", "1")
    secrets: dict[str, set[str]] = {"activation code": forms(code), "PIN": forms(PIN)}
    try:
        wait_until_serving(url, server, logs)
        app_env = {**env, "ZORGID_PIN": PIN}
        app = [str(BIN / "zorgid-app"), "--home", str(app_home)]
        with httpx.Client(base_url=url, timeout=30) as browser:
            assert browser.get(f"/activatie/{code}", params={"code": code}).status_code == 200
            run(app_env, *app, "setup", "--pin", PIN)
            run(app_env, *app, "scan", activation_payload, "--accept")
            assert browser.get(f"/activatie/{code}").status_code == 409  # used: Django warns, with the path
            log_in(browser, app, app_env)
            assert browser.get("/overzicht").status_code == 200
            missing = browser.get("/bestaat/niet")
            assert missing.status_code == 404 and missing.headers["X-Request-ID"] in missing.text
            cookies = {name: value for name, value in browser.cookies.items()}
        run({**env, "DJANGO_SETTINGS_MODULE": "zorgid.settings"}, sys.executable, "-c", SET_UP_EMPLOYEE)
        example = ExampleApplication(tmp_path, url)
        registered = subprocess.run(
            [zorgid, "apps", "add", "--name", "Zorgapplicatie Voorbeeld", "--supplier", "Voorbeeld B.V.", "--product",
             "mobiel", "--version", "1.0", "--redirect-uri", f"{example.url}/callback", "--post-logout-redirect-uri",
             f"{example.url}/uitgelogd", "--jwks", str(example.dir / "jwks.json")],
            env=env, capture_output=True, text=True, timeout=120)
        assert registered.returncode == 0, registered.stdout + registered.stderr
        example.client_id = re.search(r"client_id:\s*(\S+)", registered.stdout).group(1)
        example.start()
        try:
            secrets["OIDC code"] = forms(log_in_at_the_example(example, app, app_env))
        finally:
            example.stop()
        secrets |= log_in_with_the_smartcard(url, Smartcard(tmp_path / "smartcard", env, run), forms)
        secrets["application's key"] = {json.loads((example.dir / "private.jwk").read_text())["d"]}
        sealed = keycrypt.SealedKey.from_dict(json.loads((app_home / "key.json").read_text()))
        secrets["PIN proof"] = forms(keycrypt.PinSecret.of(PIN, sealed.salt).proof)
        secrets["sealed key"] = forms(sealed.ciphertext)
        certificate = json.loads((app_home / "id.json").read_text())["certificate"]
        body = "".join(certificate.splitlines()[1:-1])
        secrets["full certificate"] = {body[:64], body[len(body) // 2:len(body) // 2 + 64], body[-64:]}
        secrets |= {f"cookie {name}": forms(value) for name, value in cookies.items() if len(value) >= 16}
        assert {"zorgid_session", "zorgid_browser"} <= set(cookies), cookies
    finally:
        for process in (mailer, server):
            process.terminate()
        for process in (mailer, server):
            process.wait(timeout=30)

    lines = {name: (logs / f"{name}.out").read_text(errors="replace").splitlines() for name in ("serve", "mail")}
    everything = "\n".join((logs / f.name).read_text(errors="replace") for f in logs.iterdir())
    found = [what for what, values in secrets.items() for value in values if value in everything]
    assert found == []

    for name, written in lines.items():
        assert written, f"zorgid {name} wrote nothing on stdout"
        for line in written:
            fields = json.loads(line)  # every line is one JSON object
            assert REQUIRED <= set(fields), line
            assert fields["time"].endswith("Z"), line
    access = [json.loads(line) for line in lines["serve"] if '"logger":"zorgid.access"' in line]
    assert len(access) >= 8 and all(ACCESS <= set(fields) for fields in access)
    routes = {(a["method"], a["route"], a["status"]) for a in access}
    assert {("GET", "/activatie/<str:code>", 200), ("GET", "/activatie/<str:code>", 409), ("GET", "/overzicht", 200),
            ("POST", "/api/v1/activations", 201), ("GET", "-", 404), ("GET", "/oidc/authorize", 200),
            ("POST", "/oidc/token", 200), ("GET", "/oidc/userinfo", 200),
            ("POST", "/api/v1/card-flows/<str:flow_id>/response", 403),
            ("POST", "/api/v1/card-flows/<str:flow_id>/response", 200),
            ("POST", "/inloggen/smartcard/<str:flow_id>/gelezen", 302)} <= routes
    forged = next(a for a in access if a["status"] == 403)
    assert forged["error_code"] == "ZID-CARD-SIGNATURE"
    card_login = next(a for a in access if a["route"] == "/inloggen/smartcard/<str:flow_id>/gelezen")
    assert card_login["actor"].startswith("person:")
    token = next(a for a in access if a["route"] == "/oidc/token")
    assert token["actor"].startswith("care_app:")
    overview = next(a for a in access if a["route"] == "/overzicht")
    assert overview["actor"].startswith("person:") and "Olga" not in json.dumps(overview)
    assert next(a for a in access if a["status"] == 404)["error_code"] == "ZID-NOT-FOUND"
    used = next(a for a in access if a["status"] == 409)
    assert used["error_code"] == "ZID-ACTIVATION-USED"
    warning = next(json.loads(line) for line in lines["serve"] if '"logger":"django.request"' in line)
    assert warning["message"] == "Conflict: /activatie/<str:code>" and warning["request_id"] == used["request_id"]
    gunicorn = [json.loads(line) for line in lines["serve"] if '"logger":"gunicorn.error"' in line]
    assert any("Booting worker" in g["message"] for g in gunicorn)
    assert any(json.loads(line)["logger"] == "zorgid.cli" for line in lines["mail"])
