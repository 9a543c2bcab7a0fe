"""Replays, over real HTTP, the lock-out of a Mobile ID's holder through the key share's unlock (docs/security.md,
"The design: the server takes part in every use of the key"). A live server runs the API; httpx is the attacker.

Lock-out by anyone: the unlock (POST /api/v1/key-shares/<mobile id>/unlock) counted every PIN proof sent for a
Mobile ID, whoever sent it. Knowing an ID's id (it is in every approval and in the app's files) was enough: three
random proofs and the holder himself had to wait, a wait that doubled up to a day with every further three.
Replaying a request the holder's app once sent (a typo) counted it again as well.

Unseen guesses: a right PIN reset the count, so someone with a copy of the app's files could try two PINs before
each of the holder's logins, forever, and the holder never learnt of it.

Each attack is run as the server lets it; the test then asserts that the holder can still unlock, that he is
told of the tries that did count, and that the attacker was refused with the exact code. On the code before the
fix each attack succeeds.
"""

from __future__ import annotations

import datetime as dt
import secrets

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import Device, activate_code
from tests.integration.red_team.http_clients import App
from zorgid import clock
from zorgid.organisations.roles import add_operator
from zorgid.protocol.messages import APP_VERSION, b64encode, canonical_json, key_share_unlock_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def holder(live_server) -> Device:
    """An operator's app, activated over HTTP as the real app does it."""
    issued = add_operator("Jan Willem", "de Vries", clock.parse_date("12-03-1975"), actor="test")
    return activate_code(App(live_server.url), issued.code)


def code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def anonymous_unlock(base: str, mobile_id: str) -> httpx.Response:
    """What someone who only knows the Mobile ID's id can send: a random proof, signed with a key of his own."""
    own_key, proof = ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(32)
    signed_at_ms = int(clock.now().timestamp() * 1000)
    message = canonical_json({"type": "zorgid.keyshare.unlock", "v": APP_VERSION, "mobile_id": mobile_id,
                              "pin_proof": b64encode(proof), "signed_at_ms": signed_at_ms})
    body = {"v": APP_VERSION, "pin_proof": b64encode(proof), "signed_at_ms": signed_at_ms,
            "signature": b64encode(own_key.sign(message, ec.ECDSA(hashes.SHA256())))}
    return httpx.post(base + key_share_unlock_path(mobile_id), json=body, timeout=30)


def test_knowing_a_mobile_ids_id_is_not_enough_to_lock_its_holder_out(live_server, holder):
    refused = [anonymous_unlock(live_server.url, holder.mobile_id) for _ in range(6)]
    answer = holder.unlock()  # the holder, with the right PIN, right after
    assert answer.status_code == 200, answer.text  # before the fix: 429 ZID-PIN-WAIT, then up to a day
    assert answer.json()["wrong_tries_since_last_use"] == 0
    assert [(r.status_code, code(r)) for r in refused] == [(403, "ZID-DEVICE-SIGNATURE")] * 6


def test_a_recorded_wrong_try_cannot_be_sent_again_to_lock_the_holder_out(live_server, holder):
    typo = holder.unlock_body(secrets.token_bytes(32))  # the holder mistypes once; someone records the request
    path = live_server.url + key_share_unlock_path(holder.mobile_id)
    assert code(httpx.post(path, json=typo, timeout=30)) == "ZID-PIN-WRONG"
    replayed = [httpx.post(path, json=typo, timeout=30) for _ in range(4)]
    answer = holder.unlock()
    assert answer.status_code == 200, answer.text
    assert answer.json()["wrong_tries_since_last_use"] == 1  # his own typo, once
    assert [(r.status_code, code(r)) for r in replayed] == [(403, "ZID-DEVICE-SIGNATURE")] * 4


def test_guesses_between_the_holders_logins_add_up_and_he_is_told(live_server, holder):
    """Someone with a copy of the app's files (and so its device key) guesses two PINs before each login."""
    copy = holder  # a copy of the app's files signs with the same device key
    wrong = secrets.token_bytes(32)
    for _ in range(2):
        assert code(copy.unlock(wrong)) == "ZID-PIN-WRONG"
    first = holder.unlock()
    assert first.status_code == 200 and first.json()["wrong_tries_since_last_use"] == 2  # the holder is told
    clock.move(dt.timedelta(hours=1))
    assert code(copy.unlock(wrong)) == "ZID-PIN-WRONG"  # the copy's next guess, an hour later
    waiting = copy.unlock(wrong)
    assert waiting.status_code == 429 and code(waiting) == "ZID-PIN-WAIT"  # before the fix: two more free guesses
