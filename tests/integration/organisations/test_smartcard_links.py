"""A ZORG-ID Smartcard's links to organisations (organisations.smartcard_links): linked when issued, linked
elsewhere only after a WID check of its holder there, unlinked without being revoked, every change audited.

``software_card`` issues a real smartcard (identities.smartcards.issue_smartcard, every proof checked, three
certificates from the smartcard CA) from RSA keys made in software, for tests that manage a card rather than
make one (making one from a SoftHSM2 blank card: tests/integration/identities/test_smartcard_issue.py)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from zorgid import clock
from zorgid.administration.employees import Wid, record_wid_check
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import Person, Smartcard, SmartcardStatus
from zorgid.identities.smartcards import issue_smartcard, revoke_smartcard
from zorgid.organisations.errors import SmartcardLinkCardRevoked, SmartcardLinkWidMissing
from zorgid.organisations.models import Role, SmartcardLink
from zorgid.organisations.roles import grant_role
from zorgid.organisations.smartcard_links import (
    is_linked,
    link_smartcard,
    linked_organisations,
    unlink_person,
    unlink_smartcard,
)
from zorgid.protocol.card_keys import CARD_KEY_ROLES, CardKeyProof

pytestmark = pytest.mark.django_db

CHALLENGE = "software-card-challenge-0123456789abcdef"


@functools.cache
def _keys() -> tuple[rsa.RSAPrivateKey, ...]:
    return tuple(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in CARD_KEY_ROLES)


def card_keys(challenge: str = CHALLENGE) -> dict[str, tuple[bytes, bytes]]:
    """Per role the DER public key and its proof of possession over ``challenge``, as the Desktop App sends."""
    keys = {}
    for role, key in zip(CARD_KEY_ROLES, _keys(), strict=True):
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        proof = CardKeyProof(challenge, role, der).canonical_bytes()
        keys[role] = (der, key.sign(proof, padding.PKCS1v15(), hashes.SHA256()))
    return keys


def uzi_of(person: Person, organisation, **changes) -> dict:
    now = clock.now()
    return {"uzi_number": "900016528", "card_type": "Z", "ura": organisation.ura, "role": "01.015",
            "agb": "00000000", "given_name": person.first_names.split()[0], "surname": person.last_name,
            "common_name": person.full_name, "organisation": organisation.name,
            "ca_oid": "2.16.528.1.1003.1.3.5.5.2", "not_valid_before": now - dt.timedelta(days=30),
            "not_valid_after": now + dt.timedelta(days=300), **changes}


def software_card(person: Person, organisation, *, link: bool = True) -> Smartcard:
    """A real smartcard of ``person`` issued for ``organisation`` (and linked there, as the making does)."""
    card = issue_smartcard(person, organisation, challenge=CHALLENGE, keys=card_keys(),
                           uzi=uzi_of(person, organisation), actor=f"person:{person.id}", ip="127.0.0.1").smartcard
    if link:
        link_smartcard(card, organisation, actor=f"person:{person.id}")
    return card


@pytest.fixture
def jan(operator, linde):
    grant_role(operator.person, Role.MEDEWERKER, linde, actor="test")
    return operator.person


@pytest.fixture
def beheerder_oost(oost):
    from zorgid.organisations.roles import add_operator

    person = add_operator("Petra", "Bakker", clock.parse_date("01-02-1980"), actor="test").person
    grant_role(person, Role.BEHEERDER, oost, actor="test")
    return person


def wid_check(person, organisation, by):
    wid = Wid("paspoort", "AB12", clock.now().date() + dt.timedelta(days=365))
    return record_wid_check(organisation, person, wid, checked_by=by, ip="127.0.0.1")


def test_a_card_linked_when_issued_names_its_organisation_and_is_audited(jan, linde):
    card = software_card(jan, linde)
    assert linked_organisations(card) == [linde] and is_linked(card, linde)
    link = SmartcardLink.objects.get()
    assert (link.via, link.linked_by, link.wid_check, link.unlinked_at) == ("issued", f"person:{jan.id}", None, None)
    event = AuditEvent.objects.get(event="smartcard.linked")
    assert (event.subject, event.organisation) == (f"smartcard:{card.id}", linde.ura)


def test_linking_twice_keeps_one_link_and_one_event(jan, linde):
    card = software_card(jan, linde)
    assert link_smartcard(card, linde, actor="test") == SmartcardLink.objects.get()
    assert AuditEvent.objects.filter(event="smartcard.linked").count() == 1


def test_another_organisation_links_it_only_after_a_wid_check_of_its_holder_there(jan, linde, oost, beheerder_oost,
                                                                                 operator):
    card = software_card(jan, linde)
    grant_role(jan, Role.MEDEWERKER, oost, actor="test")
    with pytest.raises(SmartcardLinkWidMissing):
        link_smartcard(card, oost, actor="test", via="wid-check")
    with pytest.raises(SmartcardLinkWidMissing):  # a WID check of someone else
        link_smartcard(card, oost, actor="test", via="wid-check", wid=wid_check(beheerder_oost, oost, beheerder_oost))
    with pytest.raises(SmartcardLinkWidMissing):  # a WID check by another organisation
        link_smartcard(card, oost, actor="test", via="wid-check", wid=wid_check(jan, linde, beheerder_oost))
    assert linked_organisations(card) == [linde]
    check = wid_check(jan, oost, beheerder_oost)
    link = link_smartcard(card, oost, actor=f"person:{beheerder_oost.id}", via="wid-check", wid=check, ip="10.0.0.1")
    assert (link.via, link.wid_check) == ("wid-check", check)
    assert linked_organisations(card) == [linde, oost]
    event = AuditEvent.objects.filter(event="smartcard.linked").last()
    assert event.organisation == oost.ura and f'"wid_check":{check.id}' in event.details


def test_a_revoked_card_is_not_linked(jan, linde, oost):
    card = software_card(jan, linde, link=False)
    revoke_smartcard(card, actor="test", reason="test")
    with pytest.raises(SmartcardLinkCardRevoked) as refused:
        link_smartcard(card, linde, actor="test")
    assert refused.value.code == "ZID-SMARTCARD-LINK-REVOKED"
    assert not SmartcardLink.objects.exists()


def test_unlinking_ends_the_link_but_not_the_card(jan, linde):
    card = software_card(jan, linde)
    assert unlink_smartcard(card, linde, actor="test", reason="left", ip="127.0.0.1")
    assert not unlink_smartcard(card, linde, actor="test", reason="left")
    card.refresh_from_db()
    assert card.status == SmartcardStatus.ACTIVE and linked_organisations(card) == []
    link = SmartcardLink.objects.get()
    assert (link.unlinked_by, link.unlink_reason) == ("test", "left") and link.unlinked_at is not None
    assert AuditEvent.objects.filter(event="smartcard.unlinked", organisation=linde.ura).count() == 1
    link_smartcard(card, linde, actor="test")  # linked again later: a new link, the old one kept
    assert SmartcardLink.objects.count() == 2 and linked_organisations(card) == [linde]


def test_unlink_person_unlinks_only_that_organisation(jan, linde, oost, beheerder_oost):
    card = software_card(jan, linde)
    grant_role(jan, Role.MEDEWERKER, oost, actor="test")
    link_smartcard(card, oost, actor="test", via="wid-check", wid=wid_check(jan, oost, beheerder_oost))
    assert unlink_person(jan, oost, actor="test", reason="left") == 1
    assert linked_organisations(card) == [linde]
