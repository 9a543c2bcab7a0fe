"""The vervolgformulier (R-FLOW-APPLY step 5): the administrator's names follow the one name rule
(identities.people.PersonName), so no bidi override or zero-width character reaches his Person, his Mobile ID
certificate's CN or any page."""

import re

import pytest
from django.test import Client

from tests.integration.applications.helpers import apply, delivered
from tests.integration.test_card_purposes import log_in
from zorgid import clock
from zorgid.applications import onboarding
from zorgid.applications.models import Application
from zorgid.identities.errors import PersonDataInvalid
from zorgid.identities.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

ADM = {"first_names": "Anna", "last_name": "Admin", "birth_date": "1985-05-05", "email": "anna@linde.example",
       "phone": "06 1234 5678"}


@pytest.fixture
def followup_path(client, device, mailoutbox) -> str:
    reference, _ = apply(Client(), product="smartcard")
    assert log_in(client, device).post(f"/beheer/aanvragen/{reference}/approve").status_code == 302
    (mail,) = [m for m in delivered(mailoutbox) if m.to == ["adm@linde.example"]]
    return re.search(r"/vervolgformulier/\S+", mail.body).group(0)


@pytest.mark.parametrize("field, value", [
    ("first_names", "Anna\u202enimdA"),  # RIGHT-TO-LEFT OVERRIDE (category Cf)
    ("last_name", "Ad\u200bmin"),  # ZERO WIDTH SPACE (category Cf)
    ("last_name", "Admin\nDirecteur"),
    ("first_names", "1985"),  # no letter
])
def test_names_that_clean_name_refuses_are_refused_at_the_field(followup_path, field, value):
    persons = Person.objects.count()
    response = Client().post(followup_path, {**ADM, field: value})
    assert response.status_code == 400
    assert "één regel" in response.content.decode() or "naam in met letters" in response.content.decode()
    assert Person.objects.count() == persons and Application.objects.get().state == "followup_sent"
    assert Client().post(followup_path, ADM).status_code == 200  # the link still works, once
    assert Person.objects.filter(first_names="Anna", last_name="Admin").count() == 1


def test_the_service_itself_refuses_them(followup_path):
    token = followup_path.rsplit("/", 1)[1]
    data = {**ADM, "birth_date": clock.parse_date("05-05-1985")}
    with pytest.raises(PersonDataInvalid):
        onboarding.submit_followup(token, **{**data, "first_names": "Anna\u202e"})
    with pytest.raises(PersonDataInvalid):
        onboarding.submit_followup(token, **{**data, "last_name": "Ad\u200bmin"})
    assert Application.objects.get().state == "followup_sent"
