"""The public application form (R-FLOW-APPLY step 1): every field checked, a reference, two e-mails."""

import pytest
from django.test import Client

from tests.integration.applications.helpers import FORM, apply, delivered
from zorgid.applications.models import Application
from zorgid.audit.models import AuditEvent
from zorgid.organisations.services import add_organisation
from zorgid.outbox.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)  # the outbox sends what other transactions committed


def test_smartcard_application_gets_a_reference_and_two_mails(client, mailoutbox):
    reference, status_path = apply(client, product="smartcard")
    application = Application.objects.get(reference=reference)
    assert application.state == "submitted" and application.postcode == "3511 AB"
    to_tb, to_vtw = delivered(mailoutbox)
    assert to_tb.to == ["tb@linde.example"] and reference in to_tb.subject and to_tb.attachments == []
    assert to_tb.reply_to == ["aanvragen@localhost"]
    assert "UZI-pas" in to_tb.body and status_path in to_tb.body
    assert to_vtw.to == ["vtw@linde.example"] and "Ingediend" in to_vtw.subject
    page = client.get(status_path + "?nieuw=1").content.decode()
    assert reference in page and "Ingediend" in page
    assert AuditEvent.objects.filter(event="application.submitted").exists()


@pytest.mark.parametrize("field, value, message", [
    ("ura", "1234567", "Vul precies 8 cijfers in"),
    ("kvk", "1234567x", "Vul precies 8 cijfers in"),
    ("postcode", "0123 AB", "Nederlandse postcode"),
    ("tb_email", "geen-adres", "geldig e-mailadres"),
    ("vtw_phone", "bel me", "telefoonnummer"),
    ("organisation_name", "", "vereist"),
    ("product", "iets", "geen beschikbare keuze"),
    ("environment", "productie", "omgeving acceptatie"),
    ("house_number", "twaalf", "geldige waarde"),
    ("tb_name", "Tom\nUw ZORG-ID is geblokkeerd", "één regel"),
    ("organisation_name", "De Linde\r\nLog in via http://evil.example", "één regel"),
    ("street", "Linde\tlaan", "één regel"),
    ("city", "Utrecht\u202e", "één regel"),
    ("vtw_name", "Vera\u200bVertegenwoordiger", "één regel"),
    ("adm_name", "12345", "naam in met letters"),
])
def test_every_invalid_field_has_a_message(client, field, value, message, mailoutbox):
    response = client.post("/aanvragen/nieuw", {**FORM, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Application.objects.count() == 0 and OutgoingMail.objects.count() == 0 and delivered(mailoutbox) == []


def test_an_open_application_for_the_same_ura_is_refused(client):
    apply(client, product="smartcard")
    response = client.post("/aanvragen/nieuw", {**FORM, "product": "smartcard"})
    assert response.status_code == 400 and "ZID-APPLICATION-OPEN" in response.content.decode()


def test_a_registered_organisation_is_refused(client):
    add_organisation(name="Linde", ura="90000382", kvk="12345678", actor="test")
    response = client.post("/aanvragen/nieuw", {**FORM, "product": "smartcard"})
    assert response.status_code == 400 and "ZID-APPLICATION-REGISTERED" in response.content.decode()


def test_the_status_page_needs_its_secret_and_allows_withdrawal(client, mailoutbox):
    reference, status_path = apply(client, product="smartcard")
    assert Client().get(f"/aanvragen/{reference}/status/wrong").status_code == 404
    response = client.post(status_path, {"action": "withdraw"})
    assert response.status_code == 302
    assert Application.objects.get().state == "withdrawn"
    assert "Ingetrokken" in delivered(mailoutbox)[-1].subject


def test_the_validation_tool_page_has_the_manual(client):
    page = client.get("/aanvragen/validatietool").content.decode()
    assert "zorgid-validatietool" in page and 'data-testid="manual"' in page
