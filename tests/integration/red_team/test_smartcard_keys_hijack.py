"""Replays a key submission into another person's "Smartcard aanmaken" (docs/uzi.md "ZORG-ID Smartcard"; the
contract: the keys endpoint takes the keys of the blank card of the Desktop App whose UZI-pas answered).

The session's address (``zorgid-desktop://card?…&flow=<id>``) was all the keys endpoint asked for: the Desktop App
gets it on its command line (``zorgid-desktop open ADDRESS``, visible to every user of a shared workstation in the
process list), and the page shows it. Whoever knows it reads the challenge while the session waits, waits until the
holder's UZI-pas has answered (he then still swaps cards, types the transport codes and his new PIN twice: a
minute or more), and sends the keys of his own blank card first: the server certified them, in the holder's name,
with the role and URA of his UZI-pas, for five years (as it was before the keys were bound to the answer).

The keys request therefore carries the SHA-256 of the signature the answering Desktop App sent with the UZI-pas's
answer (zorgid.flows.cards.answer_digest), which travels to the server alone: the attacker's guess is refused with
ZID-SMARTCARD-KEYS-NOT-BOUND, the session stays answered, and Jan's own Desktop App still makes his card.
"""

from __future__ import annotations

import secrets

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.test import Client

from tests.integration.smartcards.test_making import his_card, keys_body, send_keys, started
from tests.integration.test_card_purposes import log_in
from zorgid.flows.models import CardFlow
from zorgid.identities.models import Smartcard
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof
from zorgid.protocol.messages import b64encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client, device, operator, organisation) -> Client:
    """Jan Willem de Vries (the operator), medewerker of De Linde (URA 90000001), logged in with his app."""
    grant_role(operator.person, Role.MEDEWERKER, organisation, actor="test")
    return log_in(client, device)


def attackers_keys(challenge: str) -> tuple[dict, list[bytes]]:
    """Three keys of the attacker's own blank card with valid proofs over the (public) challenge."""
    keys, ders = [], []
    for role in CARD_KEY_ROLES:
        key = rsa.generate_private_key(65537, 2048)
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        proof = key.sign(CardKeyProof(challenge, role, der).canonical_bytes(), padding.PKCS1v15(), hashes.SHA256())
        keys.append({"role": role, "public_key": b64encode(der), "proof": b64encode(proof)})
        ders.append(der)
    # he cannot know the digest of the signature Jan's Desktop App sent with the answer: he guesses
    return {"v": 1, "keys": keys, "answer_digest": b64encode(secrets.token_bytes(32))}, ders


def test_keys_from_whoever_knows_the_sessions_address_are_not_certified(client, portal, issuer):
    flow_id = started(portal)
    attacker = Client()  # another user of the workstation: he read the address from the process list
    challenge = attacker.get(f"/api/v1/card-flows/{flow_id}").json()["challenge"]
    hijack, _ = attackers_keys(challenge)
    not_yet = send_keys(attacker, flow_id, hijack)  # he keeps trying until the UZI-pas has answered
    assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "ZID-SMARTCARD-NOT-READ"

    assert his_card(issuer).answer(client, flow_id).json() == {"state": "answered"}  # Jan's UZI-pas and PIN
    stolen = send_keys(attacker, flow_id, hijack)
    assert stolen.status_code == 403 and stolen.json()["error"]["code"] == "ZID-SMARTCARD-KEYS-NOT-BOUND", \
        "the attacker's keys were certified in Jan's name"
    assert not Smartcard.objects.exists()
    own = send_keys(client, flow_id, keys_body(CardFlow.objects.get(id=flow_id).challenge))
    assert own.status_code == 201  # Jan's own Desktop App still makes his card
