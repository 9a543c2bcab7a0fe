"""Linking the WID scan app to a Mobile ID over the API (R-FLOW-WIDSCAN; docs/architecture.md, "The WID scan
app"): the four steps with real keys and signatures, and each refusal with its exact code."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import activate_code, public_der
from tests.integration.widscan.apps import Scanner, approval_body, decline, link_up, now_s, offer, offer_body, post
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.hashing import token_hash
from zorgid.organisations.roles import add_operator
from zorgid.protocol.widscan import (
    LINK_SECONDS,
    confirmation_code,
    widscan_approval_path,
    widscan_claim_path,
    widscan_links_path,
    widscan_state_path,
)
from zorgid.widscan.models import WidScanLink
from zorgid.widscan.services import STATE_GRACE_SECONDS

pytestmark = pytest.mark.django_db


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_the_four_steps_link_the_wid_scan_app(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    claimed = scanner.claim(offered["link"], offered["code"])
    assert claimed.status_code == 200, claimed.content
    shown = claimed.json()
    assert shown["state"] == "claimed"
    assert shown["holder"] == {"first_names": "Jan Willem", "last_name": "de Vries", "birth_date": "12-03-1975"}
    assert shown["confirmation"] == confirmation_code(offered["link"], scanner.public_key)
    assert shown["key_digest"] == scanner.digest and shown["device_name"] == "Pixel van de balie"
    seen_by_zorgid_app = post(client, widscan_state_path(offered["link"]), {"code": offered["code"]}).json()
    assert seen_by_zorgid_app == shown
    approved = post(client, widscan_approval_path(offered["link"]),
                    approval_body(device, offered["link"], seen_by_zorgid_app["key_digest"]))
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "linked"
    assert scanner.state().json()["state"] == "linked"
    link = WidScanLink.objects.get(id=offered["link"])
    assert link.code_hash == token_hash(offered["code"]) and offered["code"] not in str(vars(link))
    assert bytes(link.public_key) == scanner.public_key and link.linked_at is not None
    events = list(AuditEvent.objects.filter(subject=f"widscan_link:{link.id}").values_list("event", flat=True))
    assert events == ["widscan.link_offered", "widscan.link_claimed", "widscan.linked"]


def test_a_wrong_code_is_refused_and_claims_nothing(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    wrong = "W" * len(offered["code"])
    assert code_of(scanner.claim(offered["link"], wrong)) == (403, "ZID-WIDSCAN-LINK-CODE")
    assert code_of(scanner.state(offered["link"], wrong)) == (403, "ZID-WIDSCAN-LINK-CODE")
    assert code_of(decline(client, offered["link"], wrong)) == (403, "ZID-WIDSCAN-LINK-CODE")
    assert WidScanLink.objects.get(id=offered["link"]).state == "offered"


def test_an_unknown_link_is_refused(client, device):
    scanner = Scanner(client)
    assert code_of(scanner.claim("u" * 32, "c" * 22)) == (404, "ZID-WIDSCAN-LINK-UNKNOWN")
    assert code_of(scanner.state("u" * 32, "c" * 22)) == (404, "ZID-WIDSCAN-LINK-UNKNOWN")


def test_an_offer_expires_after_its_ten_minutes(client, device):
    offered = offer(device)
    clock.move(dt.timedelta(seconds=LINK_SECONDS + 1))
    scanner = Scanner(client)
    assert code_of(scanner.claim(offered["link"], offered["code"])) == (410, "ZID-WIDSCAN-LINK-EXPIRED")
    assert scanner.state().json()["state"] == "expired"


def test_the_state_and_its_holder_are_told_only_while_the_apps_may_still_wait(client, device):
    """The state names the holder; a photo of the link QR keeps the code long after the link was made."""
    scanner = Scanner(client)
    link_up(device, scanner)
    clock.move(dt.timedelta(seconds=LINK_SECONDS + STATE_GRACE_SECONDS - 1))
    assert scanner.state().json()["state"] == "linked"
    clock.move(dt.timedelta(seconds=1))
    refused = scanner.state()
    assert code_of(refused) == (410, "ZID-WIDSCAN-LINK-EXPIRED") and "de Vries" not in refused.content.decode()


def test_a_claimed_offer_expires_too_and_cannot_be_approved(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    assert scanner.claim(offered["link"], offered["code"]).status_code == 200
    clock.move(dt.timedelta(seconds=LINK_SECONDS + 1))
    body = approval_body(device, offered["link"], scanner.digest)
    answer = post(client, widscan_approval_path(offered["link"]), body)
    assert code_of(answer) == (410, "ZID-WIDSCAN-LINK-EXPIRED")


def test_a_link_is_claimed_once(client, device):
    offered = offer(device)
    assert Scanner(client).claim(offered["link"], offered["code"]).status_code == 200
    assert code_of(Scanner(client).claim(offered["link"], offered["code"])) == (409, "ZID-WIDSCAN-LINK-STATE")


def test_an_approval_before_the_claim_is_refused(client, device):
    offered = offer(device)
    answer = post(client, widscan_approval_path(offered["link"]),
                  approval_body(device, offered["link"], Scanner(client).digest))
    assert code_of(answer) == (409, "ZID-WIDSCAN-LINK-STATE")


def test_an_approval_of_another_key_is_refused(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    assert scanner.claim(offered["link"], offered["code"]).status_code == 200
    other = Scanner(client)
    answer = post(client, widscan_approval_path(offered["link"]), approval_body(device, offered["link"], other.digest))
    assert code_of(answer) == (409, "ZID-WIDSCAN-KEY-MISMATCH")
    assert WidScanLink.objects.get(id=offered["link"]).state == "claimed"


def test_a_forged_offer_signature_is_refused(client, device):
    forged = offer_body(device, key=ec.generate_private_key(ec.SECP256R1()))
    assert code_of(post(client, widscan_links_path(), forged)) == (403, "ZID-SIGNATURE-INVALID")
    assert not WidScanLink.objects.exists()


def test_an_offer_needs_a_fresh_unlock(client, device):
    body = offer_body(device, unlock_token="not-the-unlock-token-0000")
    assert code_of(post(client, widscan_links_path(), body)) == (403, "ZID-UNLOCK-TOKEN")
    token = device.unlock().json()["unlock_token"]
    assert post(client, widscan_links_path(), offer_body(device, unlock_token=token)).status_code == 201
    again = offer_body(device, unlock_token=token)  # the token is spent
    assert code_of(post(client, widscan_links_path(), again)) == (403, "ZID-UNLOCK-TOKEN")


def test_an_offer_signed_too_long_ago_is_refused(client, device):
    body = offer_body(device, signed_at=now_s() - 3600)
    assert code_of(post(client, widscan_links_path(), body)) == (400, "ZID-WIDSCAN-CLOCK")


def test_a_forged_claim_signature_is_refused(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    answer = scanner.claim(offered["link"], offered["code"], key=ec.generate_private_key(ec.SECP256R1()))
    assert code_of(answer) == (403, "ZID-WIDSCAN-SIGNATURE")
    assert WidScanLink.objects.get(id=offered["link"]).state == "offered"


def test_a_claim_with_a_key_that_is_not_p256_is_refused(client, device):
    offered = offer(device)
    other_curve = ec.generate_private_key(ec.SECP384R1())
    p384 = public_der(other_curve)
    answer = Scanner(client, key=other_curve).claim(offered["link"], offered["code"], public_key=p384)
    assert code_of(answer) == (400, "ZID-REQUEST-MALFORMED")
    answer = Scanner(client).claim(offered["link"], offered["code"], public_key=b"not a key")
    assert code_of(answer) == (400, "ZID-REQUEST-MALFORMED")


def test_a_forged_approval_signature_is_refused(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    assert scanner.claim(offered["link"], offered["code"]).status_code == 200
    forged = approval_body(device, offered["link"], scanner.digest, key=ec.generate_private_key(ec.SECP256R1()))
    assert code_of(post(client, widscan_approval_path(offered["link"]), forged)) == (403, "ZID-SIGNATURE-INVALID")
    assert WidScanLink.objects.get(id=offered["link"]).state == "claimed"


def test_another_mobile_id_cannot_approve_the_link(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    assert scanner.claim(offered["link"], offered["code"]).status_code == 200
    other = activate_code(client, add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t").code)
    answer = post(client, widscan_approval_path(offered["link"]), approval_body(other, offered["link"], scanner.digest))
    assert code_of(answer) == (404, "ZID-WIDSCAN-LINK-UNKNOWN")
    assert WidScanLink.objects.get(id=offered["link"]).state == "claimed"


def test_nee_declines_the_link(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    assert scanner.claim(offered["link"], offered["code"]).status_code == 200
    answer = decline(client, offered["link"], offered["code"])
    assert answer.status_code == 200 and answer.json()["state"] == "declined"
    assert scanner.state().json()["state"] == "declined"
    approval = post(client, widscan_approval_path(offered["link"]), approval_body(device, offered["link"],
                                                                                  scanner.digest))
    assert code_of(approval) == (409, "ZID-WIDSCAN-LINK-STATE")
    assert code_of(decline(client, offered["link"], offered["code"])) == (409, "ZID-WIDSCAN-LINK-STATE")
    assert AuditEvent.objects.filter(event="widscan.link_declined", subject=f"widscan_link:{offered['link']}").exists()


def test_a_new_offer_ends_the_open_one_and_a_new_link_the_old(client, device):
    first = offer(device)
    second = offer(device)
    assert code_of(Scanner(client).claim(first["link"], first["code"])) == (409, "ZID-WIDSCAN-LINK-STATE")
    old_scanner = Scanner(client)
    assert old_scanner.claim(second["link"], second["code"]).status_code == 200
    assert post(client, widscan_approval_path(second["link"]),
                approval_body(device, second["link"], old_scanner.digest)).status_code == 200
    new_link = link_up(device, Scanner(client))
    assert old_scanner.state().json()["state"] == "ended"
    assert WidScanLink.objects.get(id=new_link).state == "linked"


@pytest.mark.parametrize(("path", "body"), [
    (widscan_links_path(), {}),
    (widscan_links_path(), {"v": 1, "unlock_token": 5, "mobile_id": "x", "signed_at": 1, "signature": "@@"}),
    (widscan_claim_path("l" * 32), {"v": 1, "code": "short"}),
    (widscan_claim_path("l" * 32), {"v": 1, "code": "c" * 22, "public_key": "!", "signed_at": "now", "signature": ""}),
    (widscan_state_path("l" * 32), {"code": None}),
    (widscan_state_path("l" * 32), []),
    (widscan_approval_path("l" * 32), {"v": 1, "mobile_id": "m", "key_digest": "k", "signed_at": -1, "signature": "s"}),
])
def test_malformed_bodies_are_refused_with_a_code(client, device, path, body):
    assert code_of(post(client, path, body)) == (400, "ZID-REQUEST-MALFORMED")


def test_a_malformed_link_in_the_address_is_unknown(client, device):
    assert code_of(post(client, widscan_state_path("a b"), {"code": "c" * 22})) == (404, "ZID-WIDSCAN-LINK-UNKNOWN")


def test_the_requests_with_a_link_code_are_limited_per_link(client, device, settings):
    settings.ZORGID_RATE_LIMIT_FACTOR = 1
    settings.ZORGID_RATE_LIMITS = {**settings.ZORGID_RATE_LIMITS, "widscan-link": (3, 60)}
    offered = offer(device)
    scanner = Scanner(client)
    assert code_of(scanner.claim(offered["link"], "W" * 22)) == (403, "ZID-WIDSCAN-LINK-CODE")
    assert code_of(scanner.state(offered["link"], "W" * 22)) == (403, "ZID-WIDSCAN-LINK-CODE")
    assert code_of(decline(client, offered["link"], "W" * 22)) == (403, "ZID-WIDSCAN-LINK-CODE")
    assert code_of(scanner.state(offered["link"], offered["code"])) == (429, "ZID-RATE-LIMIT")
    another = offer(device)  # another link has a budget of its own
    assert scanner.state(another["link"], another["code"]).status_code == 200
