"""The audit viewer (R-SEC-AUDIT): own organisation only, filters by kind, name, period and request id, CSV export;
the operator sees all. What a manager reads: labels and names, never a code like person.blocked or a person's id
(a row's request id waits in a disclosure of its own)."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.utils import timezone

from tests.integration.administration.test_administration import person_with_role, register
from zorgid.audit.models import AuditEvent
from zorgid.audit.services import record, verify
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
HEADER_NL = ["Volgnummer", "Tijd (Nederlandse tijd)", "Gebeurtenis", "Wie", "Met wie / waarmee",
             "Vanwaar (IP-adres)", "Organisatie", "Soort (code)", "Wie (technisch)", "Met wie / waarmee (technisch)",
             "Details (technisch)", "Verzoeknummer"]
HEADER_EN = ["Number", "Time (Dutch time)", "Event", "Who", "To whom / with what", "From where (IP address)",
             "Organisation", "Kind (code)", "Who (technical)", "To whom / with what (technical)",
             "Details (technical)", "Request number"]


@pytest.fixture
def setting(client):
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    oost = add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t")
    linde_admin, _ = person_with_role(client, Role.ADMINISTRATOR, linde, "Anna")
    oost_admin, _ = person_with_role(client, Role.ADMINISTRATOR, oost, "Otto")
    register(linde_admin, linde.ura)
    bram = Person.objects.get(last_name="Bakker")
    linde_admin.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/block", {"confirm": "ja"})
    return linde, oost, linde_admin, oost_admin, bram


def table(page: str) -> str:
    """The events table of an audit page, as text; without the rows' request ids, shown on demand only."""
    found = re.search(r'<table[^>]*data-testid="audit-events".*?</table>', page, re.S)
    shown = re.sub(r'<details class="request-id">.*?</details>', " ", found.group(0), flags=re.S) if found else ""
    return re.sub(r"<[^>]+>", " ", shown)


def oostveen_blocked_in_oost(oost, oost_admin) -> Person:
    register(oost_admin, oost.ura, first_names="Olga", last_name="Oostveen")
    oostveen = Person.objects.get(last_name="Oostveen")
    blocked = oost_admin.post(f"/organisatie/{oost.ura}/medewerkers/{oostveen.id}/block", {"confirm": "ja"})
    assert blocked.status_code == 302
    return oostveen


def test_the_organisation_sees_its_events_by_label_and_name_and_not_anothers(setting):
    linde, oost, linde_admin, oost_admin, bram = setting
    own = table(linde_admin.get(f"/organisatie/{linde.ura}/audit").content.decode())
    assert "Medewerker geblokkeerd" in own and "Identiteitsbewijs (WID) gecontroleerd" in own
    assert "Bram Bakker" in own and "Anna Test" in own
    assert "person.blocked" not in own and "person:" not in own and not HEX_ID.search(own), own
    other = table(oost_admin.get(f"/organisatie/{oost.ura}/audit").content.decode())
    assert "Bram Bakker" not in other and "Medewerker geblokkeerd" not in other
    response = oost_admin.get(f"/organisatie/{linde.ura}/audit")
    assert response.status_code == 403


def test_filters_by_kind_from_the_list_by_label_text_and_by_code(setting):
    linde, _, linde_admin, _, _ = setting
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"soort": "wid.checked"}).content.decode()
    assert "Identiteitsbewijs (WID) gecontroleerd" in table(page) and "Medewerker geblokkeerd" not in table(page)
    assert '<option value="wid.checked" selected>' in page  # the filter keeps its value
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"soort": "geblokkeerd"}).content.decode()
    assert "Medewerker geblokkeerd" in table(page) and "Rol toegekend" not in table(page)
    assert "Met “geblokkeerd” in de naam" in page
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"soort": "wid."}).content.decode()
    assert "Identiteitsbewijs (WID) gecontroleerd" in table(page) and "Medewerker geblokkeerd" not in table(page)


def test_the_kind_list_shows_every_label_in_groups(setting):
    linde, _, linde_admin, _, _ = setting
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit").content.decode()
    select = re.search(r'<select id="soort".*?</select>', page, re.S).group(0)
    assert '<optgroup label="Medewerkers en rollen">' in select
    assert '<option value="person.blocked">Medewerker geblokkeerd</option>' in select
    assert '<option value="mobile_id.revoked">Mobile ID ingetrokken</option>' in select


def test_filters_by_a_persons_name(setting):
    linde, _, linde_admin, _, _ = setting
    for text in ("bakker", "Bram Bakker", "BRAM"):
        page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"persoon": text}).content.decode()
        shown = table(page)
        assert "Medewerker geblokkeerd" in shown and "Organisatie ingevoerd" not in shown, text
        assert f'value="{text}"' in page  # kept
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"persoon": "Niemand"}).content.decode()
    assert "Geen gebeurtenissen" in page


def test_a_name_in_another_organisation_is_never_found(setting):
    """Olga Oostveen works at Oost only: De Linde's viewer neither finds her by name nor shows her events."""
    linde, oost, linde_admin, oost_admin, _ = setting
    oostveen = oostveen_blocked_in_oost(oost, oost_admin)
    for query in ({"persoon": "Oostveen"}, {"persoon": "Olga"}, {"persoon": oostveen.id}, {"soort": "person.blocked"},
                  {}):
        page = linde_admin.get(f"/organisatie/{linde.ura}/audit", query).content.decode()
        assert "Oostveen" not in table(page), query
        assert "Geen gebeurtenissen" in page or not query.get("persoon"), query
    export = rows_of(linde_admin.get(f"/organisatie/{linde.ura}/audit", {"formaat": "csv", "persoon": "Oostveen"}))
    assert export[1:] == []
    in_oost = table(oost_admin.get(f"/organisatie/{oost.ura}/audit", {"persoon": "oostveen"}).content.decode())
    assert "Olga Oostveen" in in_oost and "Medewerker geblokkeerd" in in_oost


def test_filters_by_period_and_says_when_a_date_cannot_be_read(setting):
    linde, _, linde_admin, _, _ = setting
    today = timezone.localdate().strftime("%d-%m-%Y")
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"van": today, "tot": today}).content.decode()
    assert "Medewerker geblokkeerd" in table(page) and f'value="{today}"' in page
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"van": "01-01-2099"}).content.decode()
    assert "Geen gebeurtenissen" in page
    response = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"van": "31-02-2026"})
    page = response.content.decode()
    assert response.status_code == 200 and "Deze datum is niet te lezen" in page and 'value="31-02-2026"' in page
    assert "Medewerker geblokkeerd" in table(page)  # that date is ignored, not the whole query


def test_a_person_who_no_longer_exists_is_named_so(setting):
    linde, _, linde_admin, _, _ = setting
    record("person.changed", actor="person:" + "ab" * 16, subject="person:" + "cd" * 16, organisation=linde.ura)
    shown = table(linde_admin.get(f"/organisatie/{linde.ura}/audit").content.decode())
    assert "Verwijderde persoon" in shown and not HEX_ID.search(shown)


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # a spreadsheet reads it as UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_export_in_dutch_local_time_with_labels_and_names(setting):
    linde, _, linde_admin, _, bram = setting
    response = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"formaat": "csv", "persoon": "bakker"})
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == HEADER_NL
    blocked = AuditEvent.objects.get(event="person.blocked", subject=f"person:{bram.id}")
    local = timezone.localtime(blocked.at, timezone.get_default_timezone()).strftime("%d-%m-%Y %H:%M:%S")
    assert blocked.at.strftime("%d-%m-%Y %H:%M:%S") != local  # Amsterdam is never UTC
    anna = Person.objects.get(first_names="Anna")
    assert [str(blocked.seq), local, "Medewerker geblokkeerd", "Anna Test", "Bram Bakker", blocked.ip,
            "Huisartsenpraktijk De Linde (URA 90000382)", "person.blocked", f"person:{anna.id}",
            f"person:{bram.id}", blocked.details, blocked.request_id] in rows
    assert len(blocked.request_id) == 32
    assert {row[2] for row in rows[1:]} <= {"Medewerker geblokkeerd", "Identiteitsbewijs (WID) gecontroleerd",
                                            "Persoon geregistreerd", "Rol toegekend", "Activatie-QR-code uitgegeven",
                                            "Medewerker aan de organisatie toegevoegd"}
    exported = AuditEvent.objects.get(event="audit.exported", organisation=linde.ura)
    assert '"persoon":"bakker"' in exported.details
    assert verify(check_anchor=False).ok  # a test in a transaction never commits: no anchor (tests/unit/audit)


def test_csv_export_in_english_when_the_page_is(setting):
    linde, _, linde_admin, _, bram = setting
    linde_admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = rows_of(linde_admin.get(f"/organisatie/{linde.ura}/audit", {"formaat": "csv", "soort": "person.blocked"}))
    assert rows[0] == HEADER_EN
    assert [row[2:5] for row in rows[1:]] == [["Employee blocked", "Anna Test", "Bram Bakker"]]


def test_the_operator_sees_everything_with_organisation_names(setting, client):
    from tests.integration.test_card_purposes import activate, log_in
    from zorgid import clock
    from zorgid.organisations.roles import add_operator

    operator = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="t")
    browser = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    shown = table(browser.get("/beheer/audit?soort=organisation.added").content.decode())
    assert "Huisartsenpraktijk De Linde (URA 90000382)" in shown and "Ziekenhuis Oost (URA 90000999)" in shown
    assert "organisation:" not in shown
    page = browser.get("/beheer/audit", {"persoon": "bakker"}).content.decode()
    assert "Bram Bakker" in table(page) and "Medewerker geblokkeerd" in table(page)
    assert setting[2].get("/beheer/audit").status_code == 403


def _exported(browser, ura) -> list[dict]:
    rows = rows_of(browser.get(f"/organisatie/{ura}/audit?formaat=csv"))
    keys = ["seq", "tijd", "label", "wie_naam", "wat_naam", "ip", "organisatie_naam", "gebeurtenis", "wie", "wat/wie",
            "details", "verzoek"]
    found = [dict(zip(keys, row, strict=True)) for row in rows[1:]]
    for row in found:
        event = AuditEvent.objects.get(seq=int(row["seq"]))
        row["organisatie"] = event.organisation
    return found


def test_a_person_in_two_organisations_shows_in_each_only_what_belongs_there(setting, client):
    """Otto is administrator of Oost and beheerder of De Linde; Olga is operator and beheerder of De Linde. De Linde
    sees their logins and IDs, not what Otto did in Oost, not what Oost recorded about him, not Olga's operator
    work."""
    from tests.integration.test_card_purposes import activate, log_in
    from zorgid import clock
    from zorgid.organisations.roles import add_operator, grant_role

    linde, oost, linde_admin, oost_admin, _ = setting
    otto = Person.objects.get(first_names="Otto")
    grant_role(otto, Role.BEHEERDER, linde, actor="t")
    oostveen = oostveen_blocked_in_oost(oost, oost_admin)
    record("person.changed", actor="person:someone", subject=f"person:{otto.id}", details={"ura": oost.ura})
    operator = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="t")
    grant_role(operator.person, Role.BEHEERDER, linde, actor="t")
    olga = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    assert olga.get("/beheer/audit?formaat=csv").status_code == 200

    seen = _exported(linde_admin, linde.ura)
    assert all(row["organisatie"] in ("", linde.ura) for row in seen), seen
    by_otto = {(row["gebeurtenis"], row["wat/wie"].split(":")[0]) for row in seen if row["wie"] == f"person:{otto.id}"}
    assert ("login.approved", "login_flow") in by_otto and ("mobile_id.activated", "mobile_id") in by_otto
    assert not [row for row in seen if row["wat/wie"] == f"person:{oostveen.id}"]
    assert not [row for row in seen if row["gebeurtenis"] == "person.changed"]
    assert not [row for row in seen if row["gebeurtenis"] == "audit.exported" and row["organisatie"] == ""]
    assert ("role.granted", f"person:{otto.id}") in {(row["gebeurtenis"], row["wat/wie"]) for row in seen}
    assert ("Inloggen goedgekeurd in de app", "Otto Test") in {(row["label"], row["wie_naam"]) for row in seen}

    in_oost = _exported(oost_admin, oost.ura)
    assert [row for row in in_oost if row["wat/wie"] == f"person:{oostveen.id}" and row["gebeurtenis"] ==
            "person.blocked"]
    assert not [row for row in in_oost if row["organisatie"] == linde.ura]


def test_the_page_in_english(setting):
    linde, _, linde_admin, _, _ = setting
    linde_admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"soort": "blocked"}).content.decode()
    assert "Type of event" in page and "Employee blocked" in table(page) and "Medewerker geblokkeerd" not in page
    assert "Identity document checked" not in table(page)  # "blocked" matched the English label only


def test_someone_who_left_is_still_found_by_name(setting):
    linde, oost, linde_admin, oost_admin, bram = setting
    oostveen_blocked_in_oost(oost, oost_admin)
    deleted = linde_admin.post(f"/organisatie/{linde.ura}/medewerkers/{bram.id}/delete", {"confirm": "ja"})
    assert deleted.status_code == 302 and not bram.roles.filter(organisation=linde).exists()
    shown = table(linde_admin.get(f"/organisatie/{linde.ura}/audit", {"persoon": "Bakker"}).content.decode())
    assert "Medewerker uit de organisatie verwijderd" in shown and "Medewerker geblokkeerd" in shown
    shown = table(linde_admin.get(f"/organisatie/{linde.ura}/audit", {"persoon": "Oostveen"}).content.decode())
    assert "Oostveen" not in shown  # about whom only Oost's events are


def request_ids(page: str) -> list[str]:
    """The request ids the rows of an audit page show (in their disclosures)."""
    return re.findall(r'<code data-testid="row-request-id">([^<]*)</code>', page)


def test_filters_by_request_id_from_the_answers_header_within_the_organisation_only(setting, client):
    """One request (Oost registers Olga Oostveen) recorded several events: Oost's viewer and the operator find
    exactly those by the X-Request-ID of its answer, De Linde's viewer finds none of them; its own request's rows
    it does find."""
    from tests.integration.test_card_purposes import activate, log_in
    from zorgid import clock
    from zorgid.organisations.roles import add_operator

    linde, oost, linde_admin, oost_admin, bram = setting
    request_id = register(oost_admin, oost.ura, first_names="Olga", last_name="Oostveen")["X-Request-ID"]
    recorded = AuditEvent.objects.filter(request_id=request_id)
    assert recorded.count() >= 2 and set(recorded.values_list("organisation", flat=True)) <= {oost.ura, ""}

    response = oost_admin.get(f"/organisatie/{oost.ura}/audit", {"verzoek": request_id})
    page = response.content.decode()
    assert response.status_code == 200 and f'value="{request_id}"' in page  # kept
    assert request_ids(page) == [request_id] * recorded.count()
    assert "Olga Oostveen" in table(page) and "Medewerker geblokkeerd" not in table(page)
    assert f'href="?verzoek={request_id}"' in page  # a row leads to its request's other rows

    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"verzoek": request_id}).content.decode()
    assert request_ids(page) == [] and "Geen gebeurtenissen" in page and "Oostveen" not in table(page)
    export = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"formaat": "csv", "verzoek": request_id})
    assert rows_of(export)[1:] == []
    own = AuditEvent.objects.get(event="person.blocked", subject=f"person:{bram.id}").request_id
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"verzoek": own}).content.decode()
    assert request_ids(page) == [own] and "Medewerker geblokkeerd" in table(page)

    operator = add_operator("Olga", "Operator", clock.parse_date("01-01-1975"), actor="t")
    browser = log_in(client, activate(client, operator.payload("http://testserver").to_uri()))
    page = browser.get("/beheer/audit", {"verzoek": request_id}).content.decode()
    assert request_ids(page) == [request_id] * recorded.count() and "Ziekenhuis Oost (URA 90000999)" in table(page)


def test_the_export_holds_each_rows_request_id(setting):
    _, oost, _, oost_admin, _ = setting
    request_id = register(oost_admin, oost.ura, first_names="Olga", last_name="Oostveen")["X-Request-ID"]
    rows = rows_of(oost_admin.get(f"/organisatie/{oost.ura}/audit", {"formaat": "csv", "verzoek": request_id}))
    assert rows[0][-1] == "Verzoeknummer"
    assert {row[-1] for row in rows[1:]} == {request_id}
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(
        AuditEvent.objects.filter(request_id=request_id).values_list("seq", flat=True))
    exported = AuditEvent.objects.filter(event="audit.exported", organisation=oost.ura).latest("seq")
    assert f'"verzoek":"{request_id}"' in exported.details  # the export's own event says what was asked


@pytest.mark.parametrize("text", ["kort", "a" * 65, "abc def ghi", "<script>alert(1)</script>", "ab/cd/ef/gh",
                                  "verzoek–met–lang–streepje"])
def test_a_request_id_that_cannot_be_one_is_a_field_error_and_no_filter(setting, text):
    linde, _, linde_admin, _, _ = setting
    response = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"verzoek": text})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="verzoek-error"' in page and "Een verzoeknummer is 8 tot 64 letters" in page
    assert 'aria-invalid="true" aria-describedby="verzoek-error"' in page
    assert "<script>alert" not in page  # the value is kept, escaped
    assert "Medewerker geblokkeerd" in table(page)  # that field is ignored, not the whole query


def test_a_request_id_with_spaces_around_is_found_and_an_unknown_one_finds_nothing(setting):
    linde, _, linde_admin, _, bram = setting
    own = AuditEvent.objects.get(event="person.blocked", subject=f"person:{bram.id}").request_id
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"verzoek": f"  {own} "}).content.decode()
    assert request_ids(page) == [own] and 'id="verzoek-error"' not in page
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"verzoek": "0" * 32}).content.decode()
    assert "Geen gebeurtenissen" in page and 'id="verzoek-error"' not in page


def test_the_request_id_filter_in_english(setting):
    linde, _, linde_admin, _, _ = setting
    linde_admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = linde_admin.get(f"/organisatie/{linde.ura}/audit", {"verzoek": "kort"}).content.decode()
    assert '<label for="verzoek">Request number</label>' in page
    assert "A request number is 8 to 64 letters" in page and "verzoeknummer" not in page.lower()
    assert "All events of this request" in linde_admin.get(f"/organisatie/{linde.ura}/audit").content.decode()
