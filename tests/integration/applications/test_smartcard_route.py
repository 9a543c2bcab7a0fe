"""The Smartcard route (R-FLOW-UZIORG) through HTTP: approval, follow-up form, activation QR, UZI-pas validation."""

import datetime as dt
import re

import pytest
from django.test import Client

from tests.integration.applications.helpers import apply, delivered
from tests.integration.test_card_flows import start
from tests.integration.test_card_purposes import activate, log_in
from zorgid import clock
from zorgid.applications.models import Application
from zorgid.identities.models import MobileId
from zorgid.identities.services import link_uzi_attributes
from zorgid.organisations.models import Role

pytestmark = pytest.mark.django_db(transaction=True)  # mails go out when transactions commit


def operator_browser(client, device) -> Client:
    return log_in(client, device)


def test_smartcard_application_to_validated_administrator(client, device, issuer, mailoutbox):
    reference, status_path = apply(Client(), product="smartcard", ura="90000001")
    operator = operator_browser(client, device)
    assert reference in operator.get("/beheer/aanvragen").content.decode()
    assert operator.post(f"/beheer/aanvragen/{reference}/approve").status_code == 302
    application = Application.objects.get()
    assert application.state == "followup_sent" and application.organisation.ura == "90000001"
    followup_mail = [m for m in delivered(mailoutbox) if m.to == ["adm@linde.example"]][-1]
    url = re.search(r"http://\S+/vervolgformulier/\S+", followup_mail.body).group(0)
    path = url.split("http://127.0.0.1:8000")[-1]
    adm = Client()
    response = adm.post(path, {"first_names": "Jan", "last_name": "Jansen", "birth_date": "1980-02-14",
                               "email": "jan@linde.example", "phone": "06 1111 2222"})
    assert response.status_code == 200 and "Vervolgformulier ontvangen" in response.content.decode()
    assert adm.get(path).status_code == 410  # the link works once
    operator.post(f"/beheer/aanvragen/{reference}/send_activation")
    sent = delivered(mailoutbox)
    activation_mail = sent[-2] if sent[-1].to == ["vtw@linde.example"] else sent[-1]
    assert activation_mail.to == ["jan@linde.example"]
    (name, png, mimetype), = activation_mail.attachments
    assert mimetype == "image/png" and png.startswith(b"\x89PNG")
    code = re.search(r"/activatie/(\S+)", activation_mail.body).group(1)
    page = Client().get(f"/activatie/{code}").content.decode()
    assert "Jan Jansen" in page and "<svg" in page
    device_adm = activate(client, re.search(r'data-testid="activation-payload">([^<]+)<', page).group(1)
                          .replace("&amp;", "&"))
    person = MobileId.objects.get(id=device_adm.mobile_id).person
    assert person.roles.filter(role=Role.ADMINISTRATOR, organisation__ura="90000001").exists()
    log_in(client, device_adm).get("/overzicht")
    assert Application.objects.get().state == "activation_sent"  # Smartcard: not yet, the UZI-pas validates
    link_uzi_attributes(MobileId.objects.get(id=device_adm.mobile_id),
                        {"uzi_number": "900000001", "ura": "90000001", "role": "01.015", "card_type": "Z",
                         "agb": "00000000", "common_name": "Jan Jansen", "organisation": "Linde",
                         "serial_number": "01"}, actor="test")
    browser = Client()
    flow_id = start(browser, "/valideren")
    assert issuer.card().answer(client, flow_id).status_code == 200
    browser.post(f"/valideren/{flow_id}/pas-gelezen")
    browser.post(f"/valideren/{flow_id}/organisatie")
    assert Application.objects.get().state == "completed"
    last = delivered(mailoutbox)[-1]
    assert "Registratie afgerond" in last.subject and last.to == ["vtw@linde.example"]


def test_operator_decisions_and_refusals(client, device, mailoutbox):
    reference, _ = apply(Client(), product="smartcard")
    operator = operator_browser(client, device)
    response = operator.post(f"/beheer/aanvragen/{reference}/decline", {"note": ""})
    assert response.status_code == 400 and "Vul een toelichting in" in response.content.decode()
    operator.post(f"/beheer/aanvragen/{reference}/more_information", {"note": "Stuur het KvK-uittreksel."})
    assert Application.objects.get().state == "more_information_needed"
    asked = [m for m in delivered(mailoutbox) if "aanvullende gegevens nodig" in m.subject]
    assert asked and "KvK-uittreksel" in asked[-1].body
    response = operator.post(f"/beheer/aanvragen/{reference}/send_activation")
    assert response.status_code == 409 and "ZID-APPLICATION-STATE" in response.content.decode()
    asked = operator.post(f"/beheer/aanvragen/{reference}/decline", {"note": "Geen zorgaanbieder."})
    assert asked.status_code == 200 and Application.objects.get().state == "more_information_needed"  # asked first
    operator.post(f"/beheer/aanvragen/{reference}/decline", {"note": "Geen zorgaanbieder.", "confirm": "ja"})
    application = Application.objects.get()
    assert application.state == "declined" and application.decision_reason == "Geen zorgaanbieder."
    history = operator.get(f"/beheer/aanvragen/{reference}").content.decode()
    assert "Aanvullende gegevens nodig" in history and "Geen zorgaanbieder." in history


def test_only_operators_see_the_back_office(client, device):
    reference, _ = apply(Client(), product="smartcard")
    assert Client().get("/beheer/aanvragen").status_code == 403
    assert Client().post(f"/beheer/aanvragen/{reference}/approve").status_code == 403
    MobileId.objects.get().person.roles.filter(role=Role.OPERATOR).delete()
    browser = log_in(client, device)
    assert browser.get(f"/beheer/aanvragen/{reference}").status_code == 403
    assert browser.post(f"/beheer/aanvragen/{reference}/approve").status_code == 403
    assert Application.objects.get().state == "submitted"


def test_follow_up_link_expires_after_ten_days(client, device):
    reference, _ = apply(Client(), product="smartcard")
    operator_browser(client, device).post(f"/beheer/aanvragen/{reference}/approve")
    from zorgid.applications.errors import FollowupLinkInvalid
    from zorgid.applications.onboarding import followup_application

    clock.move(dt.timedelta(days=10, seconds=1))
    with pytest.raises(FollowupLinkInvalid):
        followup_application("anything")


def test_stale_applications_expire(client, mailoutbox):
    from zorgid.applications.services import expire_stale

    apply(Client(), product="smartcard")
    clock.move(dt.timedelta(days=61))
    assert expire_stale() == 1
    assert Application.objects.get().state == "expired" and "Verlopen" in delivered(mailoutbox)[-1].subject
