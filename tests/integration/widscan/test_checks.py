"""Recording a WID check with the linked WID scan app (R-FLOW-WIDSCAN): signed with its key, later than the last,
only while the link and its Mobile ID hold; what is kept is the type, the last four characters, the expiry and the
outcome (docs/architecture.md, "The WID scan app")."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.conftest import activate_code
from tests.integration.widscan.apps import Scanner, link_up, now_s, offer, post
from zorgid import clock
from zorgid.administration.employees import set_blocked
from zorgid.audit.models import AuditEvent
from zorgid.identities.models import MobileId
from zorgid.identities.services import revoke_mobile_id
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.protocol.widscan import widscan_checks_path
from zorgid.widscan.models import WidScanCheck, WidScanLink
from zorgid.widscan.services import REFERENCE_ALPHABET

pytestmark = pytest.mark.django_db


def code_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.fixture
def scanner(client, device) -> Scanner:
    scanner = Scanner(client)
    link_up(device, scanner)
    return scanner


def test_a_valid_and_an_invalid_check_are_recorded(device, scanner):
    valid = scanner.record()
    assert valid.status_code == 201, valid.content
    assert "reference" not in valid.json()  # a patient's document: no reference
    invalid = scanner.record(outcome="ongeldig")
    assert invalid.status_code == 201, invalid.content
    checks = {check.id: check for check in WidScanCheck.objects.all()}
    kept = checks[valid.json()["check"]]
    assert (kept.person.id, kept.link_id, kept.purpose, kept.document_type, kept.number_last4, kept.expiry_date,
            kept.outcome, kept.failed_checks) == (
        MobileId.objects.get(id=device.mobile_id).person_id, scanner.link, "patient", "paspoort", "X7K9",
        dt.date(2031, 5, 17), "geldig", [])
    assert kept.reference is None and kept.used_at is None
    assert checks[invalid.json()["check"]].failed_checks == ["expiry", "mrz_check_digit"]
    assert checks[invalid.json()["check"]].outcome == "ongeldig"


def test_the_audit_row_names_the_last_four_never_the_number(scanner):
    answer = scanner.record(outcome="ongeldig")
    event = AuditEvent.objects.get(event="widscan.check_recorded")
    details = json.loads(event.details)
    assert event.subject == f"widscan_check:{answer.json()['check']}"
    assert {key: details[key] for key in ("link", "purpose", "document_type", "last4", "outcome")} == {
        "link": scanner.link, "purpose": "patient", "document_type": "paspoort", "last4": "X7K9",
        "outcome": "ongeldig"}


def test_an_employees_document_gets_a_reference_for_the_registration(scanner):
    first, second = scanner.record(purpose="medewerker").json(), scanner.record(purpose="medewerker").json()
    assert len(first["reference"]) == 8 and set(first["reference"]) <= set(REFERENCE_ALPHABET)
    assert first["reference"] != second["reference"]
    check = WidScanCheck.objects.get(id=first["check"])
    assert check.reference == first["reference"] and check.used_at is None
    assert "reference" not in scanner.record(purpose="patient").json()


def test_a_recorded_request_sent_again_is_refused(client, scanner):
    body = scanner.record_body()
    assert post(client, widscan_checks_path(), body).status_code == 201
    assert code_of(post(client, widscan_checks_path(), body)) == (409, "ZID-WIDSCAN-REPLAY")
    earlier = scanner.record_body(signed_at=scanner.signed_at - 1)
    assert code_of(post(client, widscan_checks_path(), earlier)) == (409, "ZID-WIDSCAN-REPLAY")
    assert WidScanCheck.objects.count() == 1


def test_a_forged_record_signature_is_refused(client, scanner):
    forged = scanner.record_body(key=ec.generate_private_key(ec.SECP256R1()))
    assert code_of(post(client, widscan_checks_path(), forged)) == (403, "ZID-WIDSCAN-SIGNATURE")
    assert not WidScanCheck.objects.exists()


def test_a_check_signed_too_long_ago_is_refused(client, scanner):
    old = scanner.record_body(signed_at=now_s() - 3600)
    assert code_of(post(client, widscan_checks_path(), old)) == (400, "ZID-WIDSCAN-CLOCK")


def test_an_app_cannot_record_on_another_mobile_ids_link(client, scanner):
    other_device = activate_code(client, add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t").code)
    other = Scanner(client)
    link_up(other_device, other)
    answer = post(client, widscan_checks_path(), other.record_body(link=scanner.link))
    assert code_of(answer) == (403, "ZID-WIDSCAN-SIGNATURE")
    assert not WidScanCheck.objects.exists()


def test_a_claimed_link_not_yet_approved_records_nothing(client, device):
    offered = offer(device)
    scanner = Scanner(client)
    assert scanner.claim(offered["link"], offered["code"]).status_code == 200
    assert code_of(scanner.record()) == (403, "ZID-WIDSCAN-NOT-LINKED")


def test_a_replaced_link_records_nothing(client, device, scanner):
    link_up(device, Scanner(client))
    assert code_of(scanner.record()) == (403, "ZID-WIDSCAN-NOT-LINKED")


def test_a_revoked_mobile_id_ends_its_link(device, scanner):
    revoke_mobile_id(MobileId.objects.get(id=device.mobile_id), actor="test", reason="lost")
    assert code_of(scanner.record()) == (403, "ZID-WIDSCAN-NOT-LINKED")
    assert WidScanLink.objects.get(id=scanner.link).state == "ended"
    assert AuditEvent.objects.filter(event="widscan.link_ended", subject=f"mobile_id:{device.mobile_id}").exists()


def test_a_blocked_person_records_nothing_until_unblocked(device, scanner, linde):
    person = MobileId.objects.get(id=device.mobile_id).person
    grant_role(person, Role.MEDEWERKER, linde, actor="test")
    olga = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t").person
    set_blocked(linde, person, True, by=olga)
    assert code_of(scanner.record()) == (403, "ZID-WIDSCAN-NOT-LINKED")
    set_blocked(linde, person, False, by=olga)
    assert scanner.record().status_code == 201


def test_an_expired_mobile_id_records_nothing(device, scanner):
    not_after = MobileId.objects.get(id=device.mobile_id).not_after
    clock.move(not_after - clock.now() + dt.timedelta(seconds=1))
    assert code_of(scanner.record()) == (403, "ZID-WIDSCAN-NOT-LINKED")


@pytest.mark.parametrize("change", [
    {"expiry_date": "2031-13-01"},
    {"expiry_date": "17-05-2031"},
    {"number_last4": "x7k9"},
    {"number_last4": "X7K9X"},
    {"outcome": "misschien"},
    {"purpose": "bezoeker"},
    {"document_type": "bibliotheekpas"},
    {"failed_checks": ["Expiry!"]},
    {"failed_checks": ["expiry"]},  # a valid outcome names no failed check
    {"signed_at": "now"},
    {"signature": "***"},
    {"v": 2},
])
def test_a_malformed_record_is_refused_with_a_code(client, scanner, change):
    body = {**scanner.record_body(), **change}
    assert code_of(post(client, widscan_checks_path(), body)) == (400, "ZID-REQUEST-MALFORMED")
