"""A ZORG-ID Smartcard session against a running ``zorgid serve``, for tests/e2e/test_logs_hold_no_secrets.py: the
card made as tests/e2e/test_smartcard_login_browser.py makes it (a SoftHSM2 blank card personalised by the Desktop
App's code, certified by identities.smartcards.issue_smartcard in the server's own ZORGID_HOME, the certificates
written back), then a login at the portal with it as a browser does it: "Inloggen met ZORG-ID Smartcard", the card
page's ``zorgid-desktop://`` address run by ``zorgid-desktop open``, the page's next step, /overzicht. On the way two
bad attempts: the card's real signature of another server's session posted to this one (refused, the session stays
open), and ``zorgid-desktop open`` with a wrong card PIN (it never leaves the Desktop App).

Every secret of the session is answered, as test_logs_hold_no_secrets looks for it (docs/security.md "Logs"). The
signature the Desktop App sent is not seen by the test: RSA PKCS#1 v1.5 is deterministic, so the card signs the
session's CardResponse again for every second the Desktop App may have signed it at; one of those is the one sent.
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

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.e2e.conftest import BIN
from tests.unit.clients.desktop.cards import MODULE, in_card_process
from tests.unit.clients.desktop.test_personalise import CHALLENGE, call, make_blank, personalise
from zorgid.protocol.bodies import CardAnswerRequest
from zorgid.protocol.messages import CardResponse, b64encode, card_flow_path, card_response_path

CARD_PIN = "86420135"
WRONG_CARD_PIN = "75319024"
PURPOSE = "smartcard-login"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

ISSUE = """
import base64, datetime as dt, json, sys
import django; django.setup()
from zorgid import clock
from zorgid.identities.models import MobileId
from zorgid.identities.smartcards import issue_smartcard
from zorgid.organisations.models import Organisation
made, challenge = json.loads(sys.argv[1]), sys.argv[2]
person = MobileId.objects.get().person
organisation = Organisation.objects.get(ura="90000382")
now = clock.now()
uzi = {"uzi_number": "900016528", "card_type": "Z", "ura": "90000382", "role": "01.015", "agb": "00000000",
       "given_name": "Olga", "surname": "Operator", "common_name": "Olga Operator",
       "organisation": organisation.name, "ca_oid": "2.16.528.1.1003.1.3.5.5.2",
       "not_valid_before": now - dt.timedelta(days=30), "not_valid_after": now + dt.timedelta(days=300)}
keys = {k["role"]: (base64.b64decode(k["public_key"]), base64.b64decode(k["proof"])) for k in made["keys"]}
issued = issue_smartcard(person, organisation, challenge=challenge, keys=keys, uzi=uzi, actor="test",
                         label=made["label"])
print(json.dumps({role: base64.b64encode(der).decode() for role, der in issued.certificates.items()}))
"""

SIGN = """
import base64, json
from zorgid.clients.desktop.card import find_cards, logged_in, select_card
from zorgid.protocol.messages import CardResponse
card = select_card(find_cards(%(module)r))
with logged_in(card, %(pin)r) as signer:
    signed = [signer.sign(CardResponse(*fields).canonical_bytes()) for fields in %(messages)r]
print(json.dumps([base64.b64encode(signature).decode() for signature in signed]))
"""


def require_softhsm() -> None:
    """SoftHSM2 is the card reader here: skipped without it, as the browser tests are without chromium, but not
    under CI=true (tests/e2e/conftest.py)."""
    if not Path(MODULE).exists():
        message = "SoftHSM2 is missing: apt-get install -y softhsm2"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class Smartcard:
    """A ZORG-ID Smartcard of the installation's one Mobile ID holder, on a SoftHSM2 token of its own."""

    def __init__(self, directory: Path, server_env: dict, run):
        self.conf, transport_pin, so_pin = make_blank(directory)
        made = personalise(self.conf, transport_pin, so_pin, new_pin=CARD_PIN)
        assert "ok" in made, made
        made = made["ok"]
        django_env = {**server_env, "DJANGO_SETTINGS_MODULE": "zorgid.settings"}
        issued = json.loads(run(django_env, sys.executable, "-c", ISSUE, json.dumps(made), CHALLENGE))
        certificates = {role: base64.b64decode(der) for role, der in issued.items()}
        written = call(self.conf, f"p.write_certificates({MODULE!r}, pin={CARD_PIN!r}, "
                                  f"certificates={certificates!r}, token_label={made['label']!r})")
        assert written == {"ok": None}, written
        self.authentication = x509.load_der_x509_certificate(certificates["authentication"])
        self.pem = self.authentication.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, messages: list[CardResponse]) -> list[bytes]:
        """The card's signatures (its authentication key) over these card responses."""
        fields = [(m.flow_id, m.challenge, m.origin, m.purpose, m.signed_at) for m in messages]
        signed = json.loads(in_card_process(self.conf, SIGN % {"module": MODULE, "pin": CARD_PIN,
                                                                "messages": fields}))
        return [base64.b64decode(signature) for signature in signed]

    def desktop(self, *args: str) -> subprocess.CompletedProcess:
        """``zorgid-desktop`` as the browser starts it, with this card in the reader."""
        return subprocess.run([str(BIN / "zorgid-desktop"), *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "SOFTHSM2_CONF": str(self.conf)}, check=False)


def certificate_forms(pem: str) -> set[str]:
    """Pieces of a certificate that only the full certificate holds: whole lines of its PEM (as a log would hold the
    PEM, its line breaks escaped or not), and a stretch from the middle of its DER in base64, base64url and hex."""
    lines = pem.strip().splitlines()[1:-1]
    der = base64.b64decode("".join(lines))
    encoded = {base64.b64encode(der).decode(), base64.urlsafe_b64encode(der).decode(), der.hex()}
    return {lines[0], lines[len(lines) // 2]} | {text[len(text) // 2:len(text) // 2 + 64] for text in encoded}


def log_in_with_the_smartcard(url: str, card: Smartcard, forms) -> dict[str, set[str]]:
    """The portal login with the card (and the two bad attempts); answers the session's secrets by name."""
    with httpx.Client(base_url=url, timeout=30) as browser:
        start_page = browser.get("/")
        card_page = browser.post("/inloggen/smartcard", data={"csrfmiddlewaretoken": CSRF.search(start_page.text)[1]},
                                 follow_redirects=True)
        assert card_page.status_code == 200 and "/uzi-pas/" in str(card_page.url), card_page.text[-2000:]
        address = html.unescape(re.search(r'data-desktop-address="([^"]+)"', card_page.text)[1])
        status_url = html.unescape(re.search(r'data-status-url="([^"]+)"', card_page.text)[1])
        next_url = html.unescape(re.search(r'<form id="card-next" method="post" action="([^"]+)"',
                                           card_page.text)[1])
        flow_id = str(card_page.url).rstrip("/").rsplit("/", 1)[1]
        read = httpx.get(url + card_flow_path(flow_id), timeout=30).json()  # what the Desktop App reads and signs
        challenge, origin = read["challenge"], read["origin"]

        # another server's session signed by this card, posted to this one: refused, the session stays open
        elsewhere = CardResponse(flow_id, challenge, "https://elders.example", PURPOSE, int(time.time()))
        forged = card.sign([elsewhere])[0]
        body = CardAnswerRequest(certificate=card.pem, signed_at=elsewhere.signed_at, signature=b64encode(forged))
        refused = httpx.post(url + card_response_path(flow_id), json=body.to_json(), timeout=30)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "ZID-CARD-SIGNATURE", refused.text

        # a wrong card PIN stays in the Desktop App
        wrong = card.desktop("open", address, "--pin", WRONG_CARD_PIN, "--yes")
        said = wrong.stdout + wrong.stderr
        assert wrong.returncode != 0 and "ZID-DESKTOP-PIN-WRONG" in said, said

        before = int(time.time())
        opened = card.desktop("open", address, "--pin", CARD_PIN, "--yes")
        after = int(time.time())
        assert opened.returncode == 0 and "Gelukt" in opened.stdout, opened.stdout + opened.stderr
        deadline = time.monotonic() + 30
        while browser.get(status_url).json().get("state") != "answered":
            assert time.monotonic() < deadline, "the card page did not see the card's answer"
            time.sleep(0.3)
        token = CSRF.search(card_page.text)[1]
        overview = browser.post(next_url, data={"csrfmiddlewaretoken": token}, follow_redirects=True)
        assert str(overview.url).endswith("/overzicht") and "Olga" in overview.text, overview.text[-2000:]
        cookies = dict(browser.cookies.items())

    sent = card.sign([CardResponse(flow_id, challenge, origin, PURPOSE, at) for at in range(before, after + 1)])
    secrets = {"card PIN": forms(CARD_PIN), "wrong card PIN": forms(WRONG_CARD_PIN),
               "card session challenge": forms(challenge), "card session address": forms(flow_id),
               "card signature": set().union(*(forms(signature) for signature in sent)),
               "forged card signature": forms(forged), "card certificate": certificate_forms(card.pem)}
    return secrets | {f"card browser's cookie {name}": forms(value) for name, value in cookies.items()
                      if len(value) >= 16}
