"""The operator's list of organisations says how each was validated (R-ROLE-OPR): a ZORG-ID Mobiel organisation by
its signed organisation document, a ZORG-ID Smartcard one by its administrator's UZI-pas; never "nee" for one
whose registration is complete."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.integration.applications.helpers import apply
from tests.integration.test_card_purposes import log_in
from zorgid import clock
from zorgid.applications import onboarding
from zorgid.applications.models import Application
from zorgid.applications.services import S, transition
from zorgid.organisations.models import Organisation
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db


def cell(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</td>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_how_each_organisation_was_validated(client, device):
    apply(Client())
    application = Application.objects.get()
    transition(application, (S.SUBMITTED,), S.DOCUMENT_RECEIVED, actor="t", mail_vtw=False)
    transition(application, (S.DOCUMENT_RECEIVED,), S.DOCUMENT_VERIFIED, actor="t", mail_vtw=False)
    application = onboarding.approve(application, actor="t")
    for before, after in ((S.FOLLOWUP_SENT, S.FOLLOWUP_RECEIVED), (S.FOLLOWUP_RECEIVED, S.ACTIVATION_SENT),
                          (S.ACTIVATION_SENT, S.COMPLETED)):
        application = transition(application, (before,), after, actor="t", mail_vtw=False)
    smartcard = add_organisation(name="Tandartsen Zuid", ura="90000555", kvk="11112222", actor="t")
    Organisation.objects.filter(pk=smartcard.pk).update(validated_at=clock.now())
    add_organisation(name="Apotheek Noord", ura="90000777", kvk="33334444", actor="t")

    page = log_in(client, device).get("/beheer/organisaties").content.decode()
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert cell(page, "validated-90000382") == f"ja, met het ondertekende organisatiedocument ({today})"
    assert cell(page, "application-90000382") == "Registratie afgerond"
    assert cell(page, "validated-90000555") == f"ja, met de UZI-pas ({today})"
    assert cell(page, "validated-90000777") == "nee"
    assert cell(page, "application-90000777") == "geen (ingevoerd door de servicedesk)"


def test_an_applications_history_names_who_acted(client, device):
    from zorgid.identities.models import MobileId

    operator = MobileId.objects.get(id=device.mobile_id).person
    apply(Client())
    application = Application.objects.get()
    transition(application, (S.SUBMITTED,), S.DOCUMENT_RECEIVED, actor=f"person:{operator.id}", mail_vtw=False)
    page = log_in(client, device).get(f"/beheer/aanvragen/{application.reference}").content.decode()
    history = re.search(r'data-testid="history">(.*?)</ol>', page, re.S).group(1)
    assert f"({operator.full_name})" in history and "person:" not in history and "tb:" not in history
