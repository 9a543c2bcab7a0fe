"""The Mobiel route (seeds 000, 001) through HTTP: the XML attachment, signed with a UZI server certificate of the
test UZI CA, sent back by upload, API and e-mail; refusals recorded, shown and mailed."""

import re

import pytest
from django.test import Client

from tests.integration.applications.helpers import apply, delivered
from tests.integration.test_card_purposes import activate, log_in
from zorgid.applications.models import Application
from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
from zorgid.identities.models import MobileId
from zorgid.organisations.models import Role
from zorgid.orgdoc.signing import sign
from zorgid.pki import uzi_installation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def test_ca():
    ca = ensure_test_uzi_ca(uzi_installation.test_uzi_ca_dir())  # trusted in acceptatie
    uzi_installation.forget()
    return ca


def attachment(mailoutbox) -> bytes:
    (name, data, mimetype), = [m for m in delivered(mailoutbox) if m.to == ["tb@linde.example"]][0].attachments
    assert name.endswith(".xml") and mimetype == "application/xml"
    return data


def signed(data: bytes, ca, ura: str = "90000382") -> bytes:
    server = ca.issue_server_certificate(ura, "portaal.linde.example")
    return sign(data, server.key, server.certificate, server.chain)


def test_upload_of_the_signed_document_then_the_whole_route(client, device, test_ca, mailoutbox):
    reference, status_path = apply(Client())
    document = attachment(mailoutbox)
    assert reference.encode() in document and b"urn:zorgid:organisatie:1" in document
    upload = _file(signed(document, test_ca))
    response = Client().post("/aanvragen/document", {"reference": reference, "document": upload})
    assert response.status_code == 200 and "geverifieerd" in response.content.decode()
    application = Application.objects.get()
    assert application.state == "document_verified" and application.verification["ok"]
    operator = log_in(client, device)
    assert "portaal.linde.example" in operator.get(f"/beheer/aanvragen/{reference}").content.decode()
    operator.post(f"/beheer/aanvragen/{reference}/approve")
    to_adm = [m for m in delivered(mailoutbox) if m.to == ["adm@linde.example"]]
    url = re.search(r"/vervolgformulier/\S+", to_adm[-1].body)
    Client().post(url.group(0), {"first_names": "Anna", "last_name": "Admin", "birth_date": "1985-05-05",
                                 "email": "anna@linde.example", "phone": "06 1234 5678"})
    operator.post(f"/beheer/aanvragen/{reference}/send_activation")
    to_anna = [m for m in delivered(mailoutbox) if m.to == ["anna@linde.example"]]
    code = re.search(r"/activatie/(\S+)", to_anna[-1].body).group(1)
    page = Client().get(f"/activatie/{code}").content.decode()
    adm = activate(client, re.search(r'data-testid="activation-payload">([^<]+)<', page).group(1).replace("&amp;", "&"))
    person = MobileId.objects.get(id=adm.mobile_id).person
    assert person.roles.filter(role=Role.ADMINISTRATOR, organisation__ura="90000382").exists()
    assert Application.objects.get().state == "activation_sent"
    log_in(client, adm)  # the login's completion completes the application: no page has to be opened for it
    assert Application.objects.get().state == "completed"
    last = delivered(mailoutbox)[-1]
    assert "Registratie afgerond" in last.subject and last.to == ["vtw@linde.example"]
    states = [e.to_state for e in Application.objects.get().events.all()]
    assert states == ["submitted", "document_received", "document_verified", "followup_sent", "followup_received",
                      "activation_sent", "completed"]


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("organisatie.xml", data, content_type="application/xml")


def test_a_refused_document_is_recorded_shown_and_mailed(client, device, test_ca, mailoutbox):
    reference, status_path = apply(Client())
    other_ura = signed(attachment(mailoutbox).replace(b"90000382", b"90000999"), test_ca, ura="90000999")
    response = Client().post("/aanvragen/document", {"reference": reference, "document": _file(other_ura)})
    assert response.status_code == 400 and "ZID-XML-URA-MISMATCH" in response.content.decode()
    application = Application.objects.get()
    assert application.state == "submitted" and application.verification["code"] == "ZID-XML-URA-MISMATCH"
    refused = [m for m in delivered(mailoutbox) if "niet geaccepteerd" in m.subject]
    assert refused and refused[-1].to == ["tb@linde.example"] and "ZID-XML-URA-MISMATCH" in refused[-1].body
    assert "ZID-XML-URA-MISMATCH" in Client().get(status_path).content.decode()
    assert "ZID-XML-URA-MISMATCH" in log_in(client, device).get(f"/beheer/aanvragen/{reference}").content.decode()


def test_the_api_takes_the_signed_document(client, test_ca, mailoutbox):
    reference, _ = apply(Client())
    body = signed(attachment(mailoutbox), test_ca)
    response = client.put(f"/api/v1/applications/{reference}/document", body, content_type="application/xml")
    assert response.status_code == 200 and response.json() == {"reference": reference, "state": "document_verified"}
    again = client.put(f"/api/v1/applications/{reference}/document", body, content_type="application/xml")
    assert again.status_code == 409 and again.json()["error"]["code"] == "ZID-APPLICATION-STATE"
    hostile = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'
    reference2, _ = apply(Client(), ura="90000383")
    response = client.put(f"/api/v1/applications/{reference2}/document", hostile, content_type="application/xml")
    assert response.status_code in (400, 403) and response.json()["error"]["code"] == "ZID-XML-DTD"
    response = client.put(f"/api/v1/applications/{reference2}/document", b"x" * 600_000,
                          content_type="application/xml")
    assert response.status_code == 413
    assert client.put("/api/v1/applications/ZID-2026-AAAAAAAA/document", body,
                      content_type="application/xml").status_code == 404


def test_documents_for_one_application_are_limited_from_any_client_address(settings, mailoutbox):
    """Each refused document mails the TB: whoever knows a reference may send ten a day, from any address."""
    settings.ZORGID_RATE_LIMIT_FACTOR = 1  # the production limits
    reference, _ = apply(Client())
    for n in range(10):
        response = Client(REMOTE_ADDR=f"10.0.0.{n}").post("/aanvragen/document", {
            "reference": reference, "document": _file(b"<niet-af")})
        assert response.status_code == 400 and "ZID-XML-MALFORMED" in response.content.decode()
    response = Client(REMOTE_ADDR="10.0.1.1").put(f"/api/v1/applications/{reference}/document", b"<niet-af",
                                                  content_type="application/xml")
    assert response.status_code == 429 and response.json()["error"]["code"] == "ZID-RATE-LIMIT"
    assert len([m for m in delivered(mailoutbox) if "niet geaccepteerd" in m.subject]) == 10
