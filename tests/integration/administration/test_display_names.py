"""An audit event's actor and subject by name (administration.display_names.Names): people, their Mobile IDs and
smartcards, organisations, applications, and what has no id; one that no longer exists is said so."""

import datetime as dt

import pytest
from django.utils import translation

from zorgid import clock
from zorgid.administration.display_names import Names
from zorgid.identities.models import MobileId, Person
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

GONE = "ab" * 16


@pytest.fixture
def jan():
    return Person.objects.create(first_names="Jan", last_name="Jansen", birth_date=dt.date(1980, 1, 1),
                                 created_at=clock.now())


def test_every_kind_of_reference_by_name(jan):
    add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    mobile_id = MobileId.objects.create(person=jan, certificate_pem="x", serial="1", not_before=clock.now(),
                                        not_after=clock.now(), activated_at=dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC))
    references = {
        f"person:{jan.id}": ("Jan Jansen", ""),
        f"person:{GONE}": ("Verwijderde persoon", GONE[:8]),
        f"mobile_id:{mobile_id.id}": ("Mobile ID van 12-03-2026 (Jan Jansen)", mobile_id.id[:8]),
        f"mobile_id:{GONE}": ("Onbekende Mobile ID", GONE[:8]),
        "organisation:90000382": ("Huisartsenpraktijk De Linde (URA 90000382)", ""),
        "organisation:90000999": ("URA 90000999", ""),
        "uzi:900000001": ("UZI-pas 900000001", ""),
        "login_flow:" + GONE: ("Inlogsessie", ""),
        "card_flow:" + GONE: ("Sessie met de UZI-pas", ""),
        "cli:beheer": ("Opdrachtregel (beheer)", ""),
        "tb:tb@linde.example": ("Technisch beheerder (tb@linde.example)", ""),
        "system": ("ZORG-ID (automatisch)", ""),
        "desktop": ("ZORG-ID Desktop App", ""),
        "": ("", ""),
    }
    with translation.override("nl"):
        names = Names(references)
        assert {reference: (names.of(reference).text, names.of(reference).mark) for reference in references} == \
            references


def test_a_mobile_id_by_its_phone_name_in_the_audit_log(jan):
    mobile_id = MobileId.objects.create(person=jan, certificate_pem="x", serial="2", not_before=clock.now(),
                                        not_after=clock.now(), activated_at=dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC),
                                        device_name="iPhone van Jan")
    with translation.override("nl"):
        named = Names([f"mobile_id:{mobile_id.id}"]).of(f"mobile_id:{mobile_id.id}")
    assert (named.text, named.mark) == ("Mobile ID van 12-03-2026, toestel “iPhone van Jan” (Jan Jansen)",
                                        mobile_id.id[:8])
    with translation.override("en"):
        named = Names([f"mobile_id:{mobile_id.id}"]).of(f"mobile_id:{mobile_id.id}")
    assert named.text == "Mobile ID of 12-03-2026, device “iPhone van Jan” (Jan Jansen)"


def test_in_english(jan):
    with translation.override("en"):
        names = Names([f"person:{GONE}", "login_flow:x"])
        assert names.of(f"person:{GONE}").text == "Deleted person" and names.of("login_flow:x").text == "Login session"


def test_one_query_per_kind_of_name(jan, django_assert_max_num_queries):
    references = [f"person:{jan.id}"] * 50 + [f"mobile_id:{GONE}"] * 50
    with django_assert_max_num_queries(7):
        Names(references)
