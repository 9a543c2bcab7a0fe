"""The operator's pages of the register forgive him too: suspending, withdrawing and refusing a version are asked
on a confirmation page first (the detail page's form leads there with its reason or version; only Bevestigen
does it), and every action says what it did in a banner (portal.confirmations, base.html's messages)."""

import pytest

from tests.integration.administration.test_forgiving_pages import banners, text
from tests.integration.care_apps.test_pages import add, desk  # noqa: F401 (the operator's browser)
from zorgid.care_apps.models import CareAppStatus, CareAppVersion, VersionState

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action, data, question, status", [
    ("suspend", {"reason": "Storing bij de leverancier"}, "wordt opgeschort.", CareAppStatus.SUSPENDED),
    ("withdraw", {"reason": "Leverancier gestopt"}, "wordt voorgoed ingetrokken.", CareAppStatus.WITHDRAWN),
])
def test_a_status_change_is_confirmed_first_and_said_after(desk, action, data, question, status):  # noqa: F811
    application = add()
    detail = f"/beheer/applicaties/{application.client_id}"
    asked = desk.post(f"{detail}/{action}", data)  # the detail page's form: the way to the confirmation
    page = text(asked)
    assert asked.status_code == 200 and "Weet u het zeker?" in page and question in page
    assert f'name="reason" value="{data["reason"]}"' in page and 'name="confirm" value="ja"' in page
    assert f'href="{detail}" data-testid="cancel"' in page and 'data-testid="unconfirmed"' not in page
    application.refresh_from_db()
    assert application.status == CareAppStatus.ACCEPTED
    done = desk.post(f"{detail}/{action}", {**data, "confirm": "ja"}, follow=True)
    application.refresh_from_db()
    assert application.status == status and done.redirect_chain == [(detail, 302)]
    assert len(banners(done)) == 1 and application.name in banners(done)[0]
    assert data["reason"] in text(done)  # the reason went along to the history


def test_refusing_a_version_is_confirmed_accepting_one_is_not(desk):  # noqa: F811
    application = add()
    detail = f"/beheer/applicaties/{application.client_id}"
    accepted = desk.post(f"{detail}/accept-version", {"version": "2.2"}, follow=True)
    assert banners(accepted) == [f"Versie 2.2 van {application.name} is geaccepteerd."]
    asked = text(desk.post(f"{detail}/refuse-version", {"version": "2.1"}))
    assert f"Versie 2.1 van {application.name} wordt geweigerd." in asked and 'name="version" value="2.1"' in asked
    assert CareAppVersion.objects.get(version="2.1").state == VersionState.ACCEPTED  # not yet
    refused = desk.post(f"{detail}/refuse-version", {"version": "2.1", "confirm": "ja"}, follow=True)
    assert banners(refused) == [f"Versie 2.1 van {application.name} is geweigerd."]
    assert CareAppVersion.objects.get(version="2.1").state == VersionState.REFUSED


def test_allowing_the_wid_check_is_confirmed_first_said_after_and_in_the_history(desk):  # noqa: F811
    application = add()
    detail = f"/beheer/applicaties/{application.client_id}"
    shown = text(desk.get(detail))
    assert 'data-testid="wid-check">niet toegestaan<' in shown and 'data-testid="allow-wid-check"' in shown
    asked = text(desk.post(f"{detail}/allow-wid-check", {}))
    assert f"{application.name} mag de WID-controle lezen." in asked and 'name="confirm" value="ja"' in asked
    application.refresh_from_db()
    assert application.wid_check_allowed is False  # not yet
    allowed = desk.post(f"{detail}/allow-wid-check", {"confirm": "ja"}, follow=True)
    application.refresh_from_db()
    assert application.wid_check_allowed is True and allowed.redirect_chain == [(detail, 302)]
    assert banners(allowed) == [f"{application.name} mag de WID-controle lezen (scope wid_check)."]
    assert 'data-testid="wid-check">toegestaan<' in text(allowed) and 'data-testid="deny-wid-check"' in text(allowed)
    denied = desk.post(f"{detail}/deny-wid-check", {"confirm": "ja"}, follow=True)
    application.refresh_from_db()
    assert application.wid_check_allowed is False
    assert banners(denied)[0].startswith(f"{application.name} mag de WID-controle niet meer lezen")
    changes = [event.details for event in application.events.filter(action="changed").order_by("id")]
    assert changes == [{"wid_check_allowed": True}, {"wid_check_allowed": False}]


def test_registering_an_application_names_its_client_id_once(desk):  # noqa: F811
    from tests.integration.care_apps.test_pages import FORM

    response = desk.post("/beheer/applicaties/nieuw", FORM, follow=True)
    (said,) = banners(response)
    assert said.startswith("Geregistreerd. Geef de leverancier de client_id ")
    assert banners(desk.get(response.redirect_chain[-1][0])) == []


def test_declining_an_application_is_confirmed_first_and_every_decision_said(client, device):
    from django.test import Client

    from tests.integration.applications.helpers import apply
    from tests.integration.applications.test_smartcard_route import operator_browser
    from zorgid.applications.models import Application

    reference, _ = apply(Client(), product="smartcard")
    operator = operator_browser(client, device)
    detail = f"/beheer/aanvragen/{reference}"
    asked = operator.post(f"{detail}/more_information", {"note": "Stuur het KvK-uittreksel."}, follow=True)
    assert banners(asked) == [f"Aanvraag {reference}: de aanvrager is om aanvullende gegevens gevraagd."]
    page = text(operator.post(f"{detail}/decline", {"note": "Geen zorgaanbieder."}))
    assert "Weet u het zeker?" in page and f"Aanvraag {reference} van " in page and "Geen zorgaanbieder." in page
    assert 'name="note" value="Geen zorgaanbieder."' in page and f'href="{detail}" data-testid="cancel"' in page
    assert Application.objects.get().state == "more_information_needed"
    declined = operator.post(f"{detail}/decline", {"note": "Geen zorgaanbieder.", "confirm": "ja"}, follow=True)
    assert Application.objects.get().state == "declined"
    assert banners(declined) == [f"Aanvraag {reference} is afgewezen."]
