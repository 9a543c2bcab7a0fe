"""The scope ``wid_check`` (oidc.claims; docs/koppelen.md §5): an application at the patient's desk reads the
latest WID check of a patient's document the logged-in employee recorded with his WID scan app within
WID_CHECK_WINDOW, in the ID token and at userinfo, or null. The checks are recorded as the WID scan app records
them (tests/integration/widscan/apps.py: a real link and signatures), the claims read through the real token
endpoint."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from django.test import Client

from tests.integration.oidc.relying_party import code_of, register
from tests.integration.red_team.test_oidc_support import employee as other_employee
from tests.integration.widscan.apps import Scanner, link_up
from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.services import change_application
from zorgid.oidc.claims import WID_CHECK_WINDOW
from zorgid.oidc.models import AuthorizationCode

pytestmark = pytest.mark.django_db

SCOPE = "openid wid_check"


@pytest.fixture
def rp(db):
    """An application at the patient's desk that the operator allows the scope wid_check."""
    return register(wid_check_allowed=True)


@pytest.fixture
def scanner(client, device, employee) -> Scanner:
    """The employee's (the device's person's) WID scan app, linked to his Mobile ID."""
    scanner = Scanner(client)
    link_up(device, scanner)
    return scanner


def recorded(scanner: Scanner, **kwargs) -> dict:
    """A check recorded by the WID scan app; its answer (the check's id) and the moment it signed."""
    answer = scanner.record(**kwargs)
    assert answer.status_code == 201, answer.content
    return {"id": answer.json()["check"], "signed_at": scanner.signed_at}


def log_in(client, device, rp, scope: str = SCOPE) -> tuple[dict, dict]:
    """A whole login with ``scope``: the ID token's claims (checked as a client library does) and userinfo's."""
    rp.nonce = secrets.token_urlsafe(16)  # a nonce is used once per application
    tokens = rp.token(client, code_of(Client(), client, device, rp, scope=scope)).json()
    assert "access_token" in tokens, tokens
    info = Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert info.status_code == 200, info.content
    return rp.verify_id_token(client, tokens["id_token"]), info.json()


def token_details() -> dict:
    return json.loads(AuditEvent.objects.filter(event="oidc.token").latest("id").details)


def test_the_latest_recorded_patient_check_is_in_the_id_token_and_at_userinfo(client, device, rp, scanner):
    recorded(scanner)
    latest = recorded(scanner, outcome="ongeldig")
    claims, info = log_in(client, device, rp)
    expected = {"document_type": "paspoort", "number_last4": "X7K9", "expiry_date": "2031-05-17",
                "outcome": "ongeldig", "failed_checks": ["expiry", "mrz_check_digit"],
                "checked_at": latest["signed_at"]}
    assert claims["wid_check"] == expected
    assert info["wid_check"] == expected
    assert token_details()["wid_check"] == latest["id"]  # the audit names the check handed out
    at_userinfo = AuditEvent.objects.filter(event="oidc.userinfo.wid_check").latest("id")
    assert json.loads(at_userinfo.details) == {"wid_check": latest["id"]}  # at userinfo too


def test_a_check_recorded_after_the_exchange_is_audited_when_userinfo_hands_it_out(client, device, rp, scanner):
    rp.nonce = secrets.token_urlsafe(16)
    tokens = rp.token(client, code_of(Client(), client, device, rp, scope=SCOPE)).json()
    assert token_details()["wid_check"] is None
    later = recorded(scanner)
    info = Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info["wid_check"]["checked_at"] == later["signed_at"]
    events = AuditEvent.objects.filter(event="oidc.userinfo.wid_check")
    assert [json.loads(event.details) for event in events] == [{"wid_check": later["id"]}]


def test_without_a_recorded_check_the_claim_is_null(client, device, rp, scanner):
    claims, info = log_in(client, device, rp)
    assert claims["wid_check"] is None and info["wid_check"] is None
    assert token_details()["wid_check"] is None
    assert not AuditEvent.objects.filter(event="oidc.userinfo.wid_check").exists()  # nothing handed out


def test_a_check_older_than_the_window_is_not_handed_out(client, device, rp, scanner):
    recorded(scanner)
    clock.move(WID_CHECK_WINDOW - dt.timedelta(seconds=30))
    claims, _ = log_in(client, device, rp)
    assert claims["wid_check"]["outcome"] == "geldig"  # still within the window
    clock.move(dt.timedelta(seconds=31))
    claims, info = log_in(client, device, rp)
    assert claims["wid_check"] is None and info["wid_check"] is None


def test_another_persons_check_is_never_handed_out(client, device, rp, scanner, linde):
    _, other_device = other_employee(client, linde)
    other_scanner = Scanner(client)
    link_up(other_device, other_scanner)
    his = recorded(other_scanner)
    claims, info = log_in(client, device, rp)
    assert claims["wid_check"] is None and info["wid_check"] is None

    recorded(scanner)
    claims, _ = log_in(client, other_device, rp)
    assert claims["wid_check"]["checked_at"] == his["signed_at"]  # his own, not the later one of the other
    assert token_details()["wid_check"] == his["id"]


def test_an_employees_own_document_check_is_not_shown(client, device, rp, scanner):
    patient = recorded(scanner)
    recorded(scanner, purpose="medewerker")  # later, but of an employee's document for his registration
    claims, info = log_in(client, device, rp)
    assert claims["wid_check"]["checked_at"] == patient["signed_at"]
    assert info["wid_check"] == claims["wid_check"]

    clock.move(WID_CHECK_WINDOW + dt.timedelta(seconds=5))  # the patient check out of the window
    recorded(scanner, purpose="medewerker")
    claims, info = log_in(client, device, rp)
    assert claims["wid_check"] is None and info["wid_check"] is None


def test_without_the_scope_there_is_no_claim(client, device, rp, scanner):
    recorded(scanner)
    claims, info = log_in(client, device, rp, scope="openid profile uzi")
    assert "wid_check" not in claims and "wid_check" not in info
    assert "wid_check" not in token_details()


def test_an_unknown_scope_name_is_refused_as_every_other(client, rp, scanner):
    answer = client.get("/oidc/authorize", rp.authorize_params(scope="openid wid_checks"))
    assert answer.status_code == 302
    assert "error=invalid_scope" in answer["Location"] and "ZID-OIDC-SCOPE" in answer["Location"]


def test_discovery_names_the_scope_and_its_claim(client):
    metadata = client.get("/.well-known/openid-configuration").json()
    assert "wid_check" in metadata["scopes_supported"]
    assert "wid_check" in metadata["claims_supported"]


def test_an_application_not_allowed_the_scope_is_refused_with_its_code(client, scanner):
    other = register(name="Agenda Oost")  # the operator did not allow it the WID check
    recorded(scanner)
    answer = client.get("/oidc/authorize", other.authorize_params(scope=SCOPE))
    assert answer.status_code == 302
    assert "error=invalid_scope" in answer["Location"] and "ZID-OIDC-SCOPE-NOT-ALLOWED" in answer["Location"]
    assert not AuthorizationCode.objects.exists()
    assert client.get("/oidc/authorize", other.authorize_params(scope="openid profile")).status_code == 200


def test_a_permission_withdrawn_during_the_login_hands_out_no_check(client, device, rp, scanner):
    recorded(scanner)
    rp.nonce = secrets.token_urlsafe(16)
    code = code_of(Client(), client, device, rp, scope=SCOPE)
    change_application(rp.application.client_id, wid_check_allowed=False, actor="operator")
    tokens = rp.token(client, code).json()
    claims = rp.verify_id_token(client, tokens["id_token"])
    info = Client().get("/oidc/userinfo", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert "wid_check" not in claims and "wid_check" not in info
    assert "wid_check" not in token_details()
    assert not AuditEvent.objects.filter(event="oidc.userinfo.wid_check").exists()
