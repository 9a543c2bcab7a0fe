"""Managing a ZORG-ID Smartcard in the portal (docs/uzi.md "ZORG-ID Smartcard"): its holder sees it and revokes it;
the managers of an organisation it is linked to see it, see it blocked with its holder, and revoke it; another
organisation's managers are refused with the exact code, and link it only after a WID check of its holder;
leaving an organisation unlinks it without revoking it; a Mobile ID and a smartcard live side by side (each
revoked on its own, a block holds both); revoking ends his sessions at healthcare applications; and the world
sees every state in OCSP, asked with the independent ``openssl ocsp`` of a live server."""

from __future__ import annotations

import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client

from tests.integration.administration.test_administration import person_with_role
from tests.integration.organisations.test_smartcard_links import software_card
from zorgid import clock
from zorgid.administration.employees import delete, set_blocked
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import add_application
from zorgid.identities.models import MobileId, MobileIdStatus, Smartcard, SmartcardStatus
from zorgid.identities.services import revoke_mobile_id
from zorgid.identities.smartcards import revoke_smartcard
from zorgid.oidc.models import AppSession
from zorgid.organisations.models import Role, SmartcardLink
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation
from zorgid.organisations.smartcard_links import linked_organisations
from zorgid.pki.ca import MOBILE_ID_CA, get_ca
from zorgid.pki.models import CertificateStatus, IssuedCertificate
from zorgid.pki.smartcard_ca import SMARTCARD_CA, get_smartcard_ca

pytestmark = pytest.mark.django_db

LINK_WID = {"smartcard-document_type": "paspoort", "smartcard-number_last4": "X12B",
            "smartcard-expiry_date": "2031-01-01", "smartcard-confirmed": "on"}


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


@pytest.fixture
def world(client, orgs):
    """Bram (medewerker of De Linde, logged in, with a smartcard linked to De Linde), Beppie (beheerder of De
    Linde), Anna (administrator of De Linde), Otto (beheerder of Oost): each a logged-in browser."""
    linde, oost = orgs
    browsers, people = {}, {}
    for key, role, org, name in (("bram", Role.MEDEWERKER, linde, "Bram"), ("beppie", Role.BEHEERDER, linde, "Beppie"),
                                 ("anna", Role.ADMINISTRATOR, linde, "Anna"), ("otto", Role.BEHEERDER, oost, "Otto")):
        browsers[key], people[key] = person_with_role(client, role, org, name)
    card = software_card(people["bram"], linde)
    return browsers, people, card, linde, oost


def page(browser: Client, path: str, status: int = 200) -> str:
    response = browser.get(path)
    assert response.status_code == status, response.content[:2000]
    return response.content.decode()


def shown(html: str, name: str) -> str:
    """The text of the element with ``data-testid=name`` (up to its first tag)."""
    marker = f'data-testid="{name}">'
    assert marker in html, f"{name} not on the page"
    return html.split(marker, 1)[1].split("<", 1)[0].strip()


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:2000]
    assert shown(response.content.decode(), "error-code") == code


def status(ca: str, serial: str) -> str:
    return IssuedCertificate.objects.get(ca=ca, serial=serial).status


def employee_path(org, person) -> str:
    return f"/organisatie/{org.ura}/medewerkers/{person.id}"


# -- the holder ----------------------------------------------------------------------------------------------------


def test_the_holder_sees_his_card_and_revokes_it_after_confirming(world):
    browsers, people, card, linde, _ = world
    bram = browsers["bram"]
    html = page(bram, "/overzicht")
    assert shown(html, "smartcard-number") == card.card_number and shown(html, "smartcard-state") == "actief"
    assert f"{linde.name} (URA {linde.ura})" in html
    assert 'href="/mijn-smartcard/intrekken"' in html
    assert 'href="/smartcard/aanmaken" data-testid="smartcard-new"' in html
    confirm = page(bram, "/mijn-smartcard/intrekken")
    assert 'data-testid="confirm-button"' in confirm and shown(confirm, "smartcard-number") == card.card_number
    unconfirmed = bram.post("/mijn-smartcard/intrekken", {})
    assert unconfirmed.status_code == 400 and 'data-testid="unconfirmed"' in unconfirmed.content.decode()
    assert Smartcard.objects.get().status == SmartcardStatus.ACTIVE
    done = bram.post("/mijn-smartcard/intrekken", {"confirm": "ja"})
    assert done.status_code == 200 and card.card_number in shown(done.content.decode(), "smartcard-revoked")
    card.refresh_from_db()
    assert card.status == SmartcardStatus.REVOKED
    assert {status(SMARTCARD_CA, serial) for serial in card.serials} == {
        CertificateStatus.REVOKED}
    event = AuditEvent.objects.get(event="smartcard.revoked")
    assert (event.actor, event.subject) == (f"person:{people['bram'].id}", f"smartcard:{card.id}")
    assert shown(page(bram, "/overzicht"), "smartcard-state") == "ingetrokken"
    assert 'href="/mijn-smartcard/intrekken"' not in page(bram, "/overzicht")
    refused(bram.post("/mijn-smartcard/intrekken", {"confirm": "ja"}), 404, "ZID-SMARTCARD-NONE-ACTIVE")


def test_someone_without_a_card_is_told_so(world):
    browsers, *_ = world
    assert 'data-testid="no-smartcard"' in page(browsers["otto"], "/overzicht")
    assert 'data-testid="no-smartcard"' in page(browsers["otto"], "/mijn-smartcard/intrekken")
    refused(browsers["otto"].post("/mijn-smartcard/intrekken", {"confirm": "ja"}), 404, "ZID-SMARTCARD-NONE-ACTIVE")
    refused(Client().get("/mijn-smartcard/intrekken"), 403, "ZID-PORTAL-LOGIN-REQUIRED")


# -- the managers of an organisation -------------------------------------------------------------------------------


def test_the_beheerder_sees_the_card_blocked_with_its_holder_and_revokes_it(world):
    browsers, people, card, linde, _ = world
    beppie, path = browsers["beppie"], employee_path(linde, people["bram"])
    html = page(beppie, path)
    assert shown(html, "smartcard-number") == card.card_number and shown(html, "smartcard-state") == "actief"
    assert 'data-testid="smartcard-revoke"' in html and 'data-testid="smartcard-not-linked"' not in html
    assert beppie.post(path + "/block", {"confirm": "ja"}).status_code == 302
    assert shown(page(beppie, path), "smartcard-state") == "geblokkeerd"
    assert {status(SMARTCARD_CA, s) for s in card.serials} == {CertificateStatus.HOLD}
    assert beppie.post(path + "/unblock").status_code == 302
    assert shown(page(beppie, path), "smartcard-state") == "actief"
    confirm = page(beppie, path + "/smartcard/intrekken")
    assert 'data-testid="confirm-button"' in confirm
    unconfirmed = beppie.post(path + "/smartcard/intrekken", {})
    assert unconfirmed.status_code == 400 and 'data-testid="unconfirmed"' in unconfirmed.content.decode()
    answer = beppie.post(path + "/smartcard/intrekken", {"confirm": "ja"})
    assert (answer.status_code, answer["Location"]) == (302, path)
    assert Smartcard.objects.get().status == SmartcardStatus.REVOKED
    after = page(beppie, path)
    assert shown(after, "smartcard-state") == "ingetrokken"
    transactions = after.split('data-testid="transactions"', 1)[1].split("</ol>", 1)[0]
    assert "Smartcard ingetrokken" in transactions and "Smartcard aan de organisatie gekoppeld" in transactions
    event = AuditEvent.objects.get(event="smartcard.revoked")
    assert event.actor == f"person:{people['beppie'].id}" and "90000382" in event.details


def test_another_organisations_beheerder_is_refused_with_the_exact_code(world):
    browsers, people, card, linde, oost = world
    otto = browsers["otto"]
    path = employee_path(linde, people["bram"])
    refused(otto.get(path + "/smartcard/intrekken"), 403, "ZID-PORTAL-FORBIDDEN")
    refused(otto.post(path + "/smartcard/intrekken", {"confirm": "ja"}), 403, "ZID-PORTAL-FORBIDDEN")
    refused(otto.post(path + "/smartcard/koppelen", LINK_WID), 403, "ZID-PORTAL-FORBIDDEN")
    oost_path = employee_path(oost, people["bram"])  # Bram is no employee of Oost
    refused(otto.post(oost_path + "/smartcard/intrekken", {"confirm": "ja"}), 404, "ZID-EMPLOYEE-UNKNOWN")
    refused(otto.post(oost_path + "/smartcard/koppelen", LINK_WID), 404, "ZID-EMPLOYEE-UNKNOWN")
    refused(browsers["bram"].post(path + "/smartcard/intrekken", {"confirm": "ja"}), 403, "ZID-PORTAL-FORBIDDEN")
    assert Smartcard.objects.get().status == SmartcardStatus.ACTIVE and linked_organisations(card) == [linde]


def test_a_beheerder_does_not_revoke_the_card_of_the_administrator(world):
    browsers, people, _, linde, _ = world
    anna_card = software_card(people["anna"], linde)
    path = employee_path(linde, people["anna"])
    assert 'data-testid="smartcard-revoke"' not in page(browsers["beppie"], path)
    refused(browsers["beppie"].post(path + "/smartcard/intrekken", {"confirm": "ja"}), 403,
            "ZID-EMPLOYEE-ADMINISTRATOR-ONLY")
    anna_card.refresh_from_db()
    assert anna_card.status == SmartcardStatus.ACTIVE


def test_another_organisation_links_the_card_after_a_wid_check_and_unlinks_it_when_he_leaves(world):
    browsers, people, card, linde, oost = world
    otto, bram = browsers["otto"], people["bram"]
    grant_role(bram, Role.MEDEWERKER, oost, actor="test")  # Bram works at Oost too
    path = employee_path(oost, bram)
    html = page(otto, path)
    assert shown(html, "smartcard-state") == "actief" and 'data-testid="smartcard-not-linked"' in html
    assert 'data-testid="smartcard-link-form"' in html and 'data-testid="smartcard-revoke"' not in html
    refused(otto.post(path + "/smartcard/intrekken", {"confirm": "ja"}), 404, "ZID-SMARTCARD-LINK-NONE")
    incomplete = otto.post(path + "/smartcard/koppelen", {**LINK_WID, "smartcard-number_last4": "X1"})
    assert incomplete.status_code == 400 and linked_organisations(card) == [linde]
    expired = otto.post(path + "/smartcard/koppelen", {**LINK_WID, "smartcard-expiry_date": "2020-01-01"})
    assert expired.status_code == 400 and "ZID-WID-EXPIRED" in expired.content.decode()  # at its field, the
    assert 'value="X12B"' in expired.content.decode()  # rest of the form kept
    assert linked_organisations(card) == [linde]
    answer = otto.post(path + "/smartcard/koppelen", LINK_WID)
    assert (answer.status_code, answer["Location"]) == (302, path)
    assert linked_organisations(card) == [linde, oost]
    link = SmartcardLink.objects.get(organisation=oost)
    assert link.via == "wid-check" and (link.wid_check.number_last4, link.wid_check.checked_by) == ("X12B",
                                                                                                    people["otto"])
    assert 'data-testid="smartcard-revoke"' in page(otto, path)
    # he leaves Oost: the card is unlinked from Oost, not revoked, and still De Linde's
    delete(oost, bram, by=people["otto"], ip="127.0.0.1")
    card.refresh_from_db()
    assert card.status == SmartcardStatus.ACTIVE and linked_organisations(card) == [linde]
    event = AuditEvent.objects.get(event="smartcard.unlinked")
    assert (event.organisation, event.actor) == (oost.ura, f"person:{people['otto'].id}")
    assert shown(page(browsers["bram"], "/overzicht"), "smartcard-state") == "actief"


def test_a_revoke_by_another_organisations_manager_is_in_that_organisations_audit_log_only(world):
    browsers, people, card, linde, oost = world
    otto, bram = browsers["otto"], people["bram"]
    grant_role(bram, Role.MEDEWERKER, oost, actor="test")
    path = employee_path(oost, bram)
    assert otto.post(path + "/smartcard/koppelen", LINK_WID).status_code == 302
    assert otto.post(path + "/smartcard/intrekken", {"confirm": "ja"}).status_code == 302
    card.refresh_from_db()
    assert card.status == SmartcardStatus.REVOKED
    event = AuditEvent.objects.get(event="smartcard.revoked")
    assert event.organisation == oost.ura  # De Linde, where it was made, does not learn that he works at Oost
    assert "beheerder van URA" not in str(event.details)


def test_losing_the_last_role_in_an_organisation_unlinks_but_does_not_revoke(world):
    browsers, people, card, linde, _ = world
    from zorgid.administration.employees import grant, remove_role

    anna = people["anna"]
    grant(linde, people["bram"], Role.BEHEERDER, by=anna)
    remove_role(linde, people["bram"], Role.BEHEERDER, by=anna)  # still medewerker: still linked
    assert linked_organisations(card) == [linde]
    delete(linde, people["bram"], by=anna)  # his last organisation: his Mobile ID goes, his card stays his
    card.refresh_from_db()
    assert card.status == SmartcardStatus.ACTIVE and linked_organisations(card) == []
    assert not people["bram"].mobile_ids.filter(status=MobileIdStatus.ACTIVE).exists()


# -- a Mobile ID and a smartcard side by side (docs/security.md) ---------------------------------------------------


def _states(person, card) -> tuple[set, set]:
    mobile = {status(MOBILE_ID_CA, m.serial)
              for m in person.mobile_ids.filter(status=MobileIdStatus.ACTIVE)}
    return mobile, {status(SMARTCARD_CA, s) for s in card.serials}


def test_a_mobile_id_and_a_smartcard_are_revoked_each_on_its_own_and_blocked_together(world):
    _, people, card, linde, _ = world
    bram, anna = people["bram"], people["anna"]
    mobile_id = bram.mobile_ids.get()
    assert _states(bram, card) == ({CertificateStatus.GOOD}, {CertificateStatus.GOOD})
    set_blocked(linde, bram, True, by=anna)
    assert _states(bram, card) == ({CertificateStatus.HOLD}, {CertificateStatus.HOLD})
    set_blocked(linde, bram, False, by=anna)
    assert _states(bram, card) == ({CertificateStatus.GOOD}, {CertificateStatus.GOOD})
    revoke_smartcard(card, actor="test", reason="lost")
    mobile_id.refresh_from_db()
    assert mobile_id.status == MobileIdStatus.ACTIVE
    assert status(MOBILE_ID_CA, mobile_id.serial) == CertificateStatus.GOOD
    second = software_card(bram, linde)  # a new card beside the same Mobile ID
    revoke_mobile_id(MobileId.objects.get(pk=mobile_id.pk), actor="test", reason="lost")
    second.refresh_from_db()
    assert second.status == SmartcardStatus.ACTIVE
    assert _states(bram, second) == (set(), {CertificateStatus.GOOD})


def test_revoking_the_card_ends_his_sessions_made_with_it_and_not_those_of_his_mobile_id(world):
    _, people, card, linde, _ = world
    bram = people["bram"]
    application = add_application(name="Dossier", supplier="Leverancier BV", versions=["1.0"], actor="t",
                                  redirect_uris=["https://ehr.example/cb"], jwks_uri="https://ehr.example/jwks")
    with_card = AppSession.objects.create(application=application, person=bram, smartcard=card, organisation=linde,
                                          subject="s" * 43, started_at=clock.now())
    with_app = AppSession.objects.create(application=application, person=bram, mobile_id=bram.mobile_ids.get(),
                                         organisation=linde, subject="t" * 43, started_at=clock.now())
    revoke_smartcard(card, actor="test", reason="lost")
    with_card.refresh_from_db()
    with_app.refresh_from_db()
    assert with_card.ended_at is not None and with_card.end_reason == "revoked"
    assert with_app.ended_at is None


# -- what the world sees: OCSP over real HTTP, asked with openssl -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_openssl_ocsp_sees_the_card_held_released_and_revoked(live_server, tmp_path):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    olga = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="test").person
    bram = add_operator("Bram", "Bakker", clock.parse_date("01-06-1990"), actor="test").person
    bram.roles.all().delete()
    grant_role(bram, Role.MEDEWERKER, linde, actor="test")
    card = software_card(bram, linde)
    ca = get_smartcard_ca()
    pem = serialization.Encoding.PEM
    files = {"issuing": tmp_path / "issuing.pem", "chain": tmp_path / "chain.pem", "cert": tmp_path / "auth.pem"}
    files["issuing"].write_bytes(ca.issuing.public_bytes(pem))
    files["chain"].write_bytes(get_ca().root.public_bytes(pem) + ca.issuing.public_bytes(pem))
    files["cert"].write_text(card.authentication_pem)

    def ocsp() -> tuple[str, str]:
        run = subprocess.run(
            ["openssl", "ocsp", "-issuer", str(files["issuing"]), "-cert", str(files["cert"]), "-url",
             f"{live_server.url}/pki/ocsp", "-CAfile", str(files["chain"]), "-resp_text"],
            capture_output=True, text=True, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        assert "Response verify OK" in run.stderr + run.stdout, run.stderr
        line = next(x for x in run.stdout.splitlines() if x.startswith(f"{files['cert']}: "))
        return line.split(": ", 1)[1], run.stdout

    assert ocsp()[0] == "good"
    set_blocked(linde, bram, True, by=olga)
    status, output = ocsp()
    assert status == "revoked" and "Reason: certificateHold" in output
    set_blocked(linde, bram, False, by=olga)
    assert ocsp()[0] == "good"
    revoke_smartcard(Smartcard.objects.get(pk=card.pk), actor="test", reason="lost")
    status, output = ocsp()
    assert status == "revoked" and "certificateHold" not in output and "Revocation Time:" in output
    set_blocked(linde, bram, True, by=olga)  # a block and unblock after the revoke do not bring it back
    set_blocked(linde, bram, False, by=olga)
    assert ocsp()[0] == "revoked"
