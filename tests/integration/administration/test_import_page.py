"""The employee import as a page, through HTTP (R-FLOW-BEHREG, R-SEC-AUTHZ): ``organisatie/<ura>/medewerkers/
importeren`` imports as ``zorgid employees import`` does, with the same service and report: all or nothing, every
refused row with its line, code and value, persons already there skipped, one audit event; a file too large is
refused by its declared size before its body is read; every bad file a clear answer with its code."""

import json
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from tests.integration.administration.test_administration import person_with_role
from tests.integration.administration.test_import import letters
from zorgid.administration import importing
from zorgid.audit.models import AuditEvent
from zorgid.employees_cli import employees_app
from zorgid.identities.models import ActivationCode, Person, WidCheck
from zorgid.organisations.models import Role, RoleAssignment
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

HEADER = "voornamen;achternaam;geboortedatum\n"
GOOD = HEADER + "Jan Willem;de Vries;12-03-1975\nÉlodie;Şahin-Öztürk;01-02-1990\nAnna Maria;van den Berg;28-11-1968\n"
PATH = "/organisatie/{ura}/medewerkers/importeren"


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


@pytest.fixture
def admin(client, orgs):
    return person_with_role(client, Role.ADMINISTRATOR, orgs[0], "Anna")


def upload(browser: Client, ura: str, content: bytes | str, *, name: str = "medewerkers.csv", trial: bool = False):
    data = content.encode() if isinstance(content, str) else content
    form = {"bestand": SimpleUploadedFile(name, data, content_type="text/csv")}
    if trial:
        form["proef"] = "on"
    return browser.post(PATH.format(ura=ura), form)


def page_of(response) -> str:
    return response.content.decode()


def error_code(response) -> str:
    found = re.search(r'data-testid="error-code">([A-Z0-9-]+)<', page_of(response))
    return found.group(1) if found else ""


def employees_of(organisation) -> int:
    return RoleAssignment.objects.filter(organisation=organisation, role=Role.MEDEWERKER).count()


def nothing_written(organisation, before: int) -> bool:
    return (employees_of(organisation) == 0 and Person.objects.count() == before
            and not AuditEvent.objects.filter(event="employees.imported").exists())


def test_the_page_explains_the_format_with_an_example_file(admin, orgs):
    browser, _ = admin
    response = browser.get(PATH.format(ura=orgs[0].ura))
    assert response.status_code == 200
    page = page_of(response)
    assert "voornamen;achternaam;geboortedatum" in page and "dd-mm-jjjj" in page and "UTF-8" in page
    assert 'enctype="multipart/form-data"' in page and 'name="bestand"' in page and 'name="proef"' in page
    assert 'download="medewerkers-voorbeeld.csv"' in page
    from django.contrib.staticfiles import finders

    example = finders.find("portal/medewerkers-voorbeeld.csv")
    source = importing.read_csv(open(example, "rb").read(), name="voorbeeld.csv")  # the example imports as it is
    assert [row.fields[1] for row in source.rows] == ["de Vries", "Şahin-Öztürk", "van den Berg"]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.BEHEERDER])
def test_a_manager_imports_a_good_file_awaiting_the_wid_check(client, orgs, role):
    linde, oost = orgs
    browser, manager = person_with_role(client, role, linde, "Beppie")
    response = upload(browser, linde.ura, "\ufeff" + GOOD, name="hr-export.csv")
    assert response.status_code == 200, page_of(response)[:3000]
    page = page_of(response)
    banner = page.split('data-testid="messages"', 1)[1].split("</div>", 1)[0]  # messages.success
    assert "banner-success" in banner
    assert "3 medewerkers geïmporteerd in Huisartsenpraktijk De Linde (URA 90000382)" in banner
    assert page.count('data-testid="awaiting-wid"') == 3 and "Wacht op WID-controle" in page
    assert employees_of(linde) == 3 and employees_of(oost) == 0
    jan = Person.objects.get(last_name="de Vries")
    assert f'href="/organisatie/{linde.ura}/medewerkers/{jan.id}"' in page
    imported = Person.objects.filter(roles__organisation=linde, roles__role=Role.MEDEWERKER)
    assert not WidCheck.objects.filter(person__in=imported).exists()
    assert not ActivationCode.objects.filter(person__in=imported).exists()
    (event,) = AuditEvent.objects.filter(event="employees.imported")
    details = json.loads(event.details)
    assert (event.actor, event.subject, event.ip) == (f"person:{manager.id}", f"organisation:{linde.ura}",
                                                      "127.0.0.1")
    assert (details["count"], details["file"], details["already"]) == (3, "hr-export.csv", 0)
    assert details["sha256"] in page
    # the message is shown once: the next page has no banner left
    assert "geïmporteerd" not in page_of(browser.get(f"/organisatie/{linde.ura}/medewerkers"))


def test_refused_rows_write_nothing_and_each_is_in_the_table(admin, orgs):
    browser, _ = admin
    before = Person.objects.count()
    rows = ["Jan Willem;de Vries;12-03-1975",  # line 2: good
            "Piet;Puk;31-02-1980",  # 3
            "Kees;Con\x07trol;01-01-1980",  # 4
            "Te;Weinig",  # 5
            "Datum;Anders;1980-01-01",  # 6
            "Oud;Opa;01-01-1850",  # 7
            "jan willem;De Vries;12-03-1975",  # 8: line 2 again
            "Piet;Pan;01-01-2999",  # 9
            ";Leeg;01-01-1980"]  # 10
    response = upload(browser, orgs[0].ura, HEADER + "\n".join(rows) + "\n")
    assert response.status_code == 400 and error_code(response) == "ZID-IMPORT-ROWS-REFUSED"
    page = page_of(response)
    assert "8 van 9 regels geweigerd in medewerkers.csv" in page and "er is niets geïmporteerd" in page
    table = page.split('data-testid="refused-rows"', 1)[1].split("</table>", 1)[0]
    expected = {3: ("ZID-IMPORT-ROW-DATE", "&#x27;31-02-1980&#x27;"),
                4: ("ZID-IMPORT-ROW-CONTROL", "&#x27;Con\\x07trol&#x27;"),
                5: ("ZID-IMPORT-ROW-COLUMNS", "&#x27;Te;Weinig&#x27;"),
                6: ("ZID-IMPORT-ROW-DATE", "&#x27;1980-01-01&#x27;"),
                7: ("ZID-IMPORT-ROW-AGE", "&#x27;01-01-1850&#x27;"),
                8: ("ZID-IMPORT-ROW-DUPLICATE", "dezelfde persoon als regel 2"),
                9: ("ZID-IMPORT-ROW-FUTURE", "in de toekomst"),
                10: ("ZID-IMPORT-ROW-EMPTY", "veld voornamen is leeg")}
    for line, (code, shown) in expected.items():
        row = table.split(f'data-line="{line}"', 1)[1].split("</tr>", 1)[0]
        assert code in row and shown in row, (line, row)
    assert 'data-line="2"' not in table
    assert "\x07" not in page  # control characters are shown escaped
    assert "ZID-IMPORT-ROW-AGE" in page.split('data-testid="codes"', 1)[1]  # the legend names each code's cause
    assert nothing_written(orgs[0], before)


def test_people_already_there_are_skipped_and_reported(admin, orgs):
    browser, _ = admin
    assert upload(browser, orgs[0].ura, GOOD).status_code == 200
    again = upload(browser, orgs[0].ura, GOOD + "Dirk;Smit;07-07-1971\n")
    assert again.status_code == 200
    page = page_of(again)
    assert "1 medewerker geïmporteerd" in page and "3 stonden er al" in page
    already = page.split('data-testid="already"', 1)[1].split("</table>", 1)[0]
    assert already.count("ZID-IMPORT-ROW-ALREADY") == 3 and "staat al in de organisatie" in already
    assert employees_of(orgs[0]) == 4 and AuditEvent.objects.filter(event="employees.imported").count() == 2


def test_a_trial_checks_and_writes_nothing(admin, orgs):
    browser, _ = admin
    before = Person.objects.count()
    response = upload(browser, orgs[0].ura, GOOD, trial=True)
    assert response.status_code == 200
    page = page_of(response)
    assert "Proef: 3 medewerkers zouden worden geïmporteerd" in page and "niets opgeslagen" in page
    assert page.count('data-testid="awaiting-wid"') == 3
    assert nothing_written(orgs[0], before)


def test_a_file_over_the_limit_is_refused_by_its_declared_size_before_it_is_read(admin, orgs):
    browser, _ = admin
    before = Person.objects.count()
    body = b"--x\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"groot.csv\"\r\n\r\n" + GOOD.encode()
    # a gigabyte is declared and only a few bytes sent: Django would fail reading them, had the page read the body
    response = browser.generic("POST", PATH.format(ura=orgs[0].ura), body,
                               content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(1024 ** 3))
    assert response.status_code == 413 and error_code(response) == "ZID-IMPORT-TOO-LARGE"
    assert nothing_written(orgs[0], before)


def test_a_file_over_the_importers_limit_is_refused_with_its_code(admin, orgs, monkeypatch):
    browser, _ = admin
    before = Person.objects.count()
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 100)
    response = upload(browser, orgs[0].ura, GOOD + "Dirk;Smit;07-07-1971\n" * 3)
    assert response.status_code == 413 and error_code(response) == "ZID-IMPORT-TOO-LARGE"
    assert 'data-testid="file-error"' in page_of(response)
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    response = upload(browser, orgs[0].ura, GOOD)
    assert response.status_code == 413 and "meer dan 2 regels" in page_of(response)
    assert nothing_written(orgs[0], before)


BAD_FILES = [  # (what, bytes, code, words of the detail)
    ("Windows-1252", (HEADER + "René;Müller;01-01-1980\n").encode("cp1252"), "ZID-IMPORT-ENCODING",
     "regel 2: byte 0xe9 is geen UTF-8"),
    ("UTF-16", GOOD.encode("utf-16"), "ZID-IMPORT-ENCODING", "UTF-16"),
    ("an empty file", b"", "ZID-IMPORT-FILE-INVALID", "het bestand is leeg"),
    ("only blank lines", b"\r\n\r\n  \n", "ZID-IMPORT-FILE-INVALID", "het bestand is leeg"),
    ("an Excel workbook", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "ZID-IMPORT-FILE-INVALID",
     "Excel-werkmap (.xlsx)"),
    ("a PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "ZID-IMPORT-FILE-INVALID", "een PDF-bestand"),
    ("binary", bytes(range(256)) * 8, "ZID-IMPORT-FILE-INVALID", "nul-bytes"),
    ("another header", b"naam;geboren\nJan;01-01-1980\n", "ZID-IMPORT-FILE-INVALID", "de kop moet"),
    ("only the header", HEADER.encode() + b"\n\n", "ZID-IMPORT-FILE-INVALID", "alleen de kop, geen regels"),
    ("a huge field", (HEADER + "x" * 200_000 + ";Jansen;01-01-1980\n").encode(), "ZID-IMPORT-FILE-INVALID",
     "regel 2: field larger than field limit"),
    ("a broken quote", (HEADER + 'Jan;"Jan"sen;01-01-1980\n').encode(), "ZID-IMPORT-FILE-INVALID", "regel 2"),
]


@pytest.mark.parametrize("what, content, code, detail", BAD_FILES, ids=[what for what, *_ in BAD_FILES])
def test_a_bad_file_is_a_clear_answer_on_the_page(admin, orgs, what, content, code, detail):
    browser, _ = admin
    before = Person.objects.count()
    response = upload(browser, orgs[0].ura, content)
    assert response.status_code == 400 and error_code(response) == code, page_of(response)[:3000]
    page = page_of(response)
    assert 'data-testid="file-error"' in page and detail in page and "Er is niets geïmporteerd." in page
    assert 'name="bestand"' in page  # the form again, to choose a better file
    assert nothing_written(orgs[0], before)


def test_no_file_chosen_is_the_forms_own_error(admin, orgs):
    browser, _ = admin
    response = browser.post(PATH.format(ura=orgs[0].ura), {"proef": "on"})
    assert response.status_code == 400 and "Kies een CSV-bestand om te importeren." in page_of(response)


def test_a_control_character_in_the_file_name_reaches_neither_the_page_nor_the_audit_log(admin, orgs):
    browser, _ = admin
    body = (b'--x\r\nContent-Disposition: form-data; name="bestand"; filename="hr\x07\x1b[31m.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n" + GOOD.encode() + b"\r\n--x--\r\n")
    response = browser.generic("POST", PATH.format(ura=orgs[0].ura), body,
                               content_type="multipart/form-data; boundary=x")
    assert response.status_code in (200, 400), page_of(response)[:2000]
    assert "\x07" not in page_of(response) and "\x1b" not in page_of(response)
    for event in AuditEvent.objects.filter(event="employees.imported"):
        assert not re.search(r"[\x00-\x1f]", json.loads(event.details)["file"])


def test_ten_thousand_rows_are_imported_in_one_request(admin, orgs):
    browser, _ = admin
    rows = "".join(f"Medewerker {letters(i)};Achternaam-{letters(i)};{1 + i % 28:02d}-{1 + i % 12:02d}-"
                   f"{1950 + i % 50}\n" for i in range(10_000))
    started = time.monotonic()
    response = upload(browser, orgs[0].ura, HEADER + rows)
    assert response.status_code == 200
    assert "10000 medewerkers geïmporteerd" in page_of(response)
    assert employees_of(orgs[0]) == 10_000 and time.monotonic() - started < 60
    assert 'data-testid="new-more"' in page_of(response)  # the page lists the first ones and counts the rest


def test_ten_thousand_bad_rows_are_refused_and_the_table_is_bounded(admin, orgs):
    browser, _ = admin
    response = upload(browser, orgs[0].ura, HEADER + "Jan;Jansen;31-02-1980\n" * 10_000)
    assert response.status_code == 400 and error_code(response) == "ZID-IMPORT-ROWS-REFUSED"
    page = page_of(response)
    assert "10000 van 10000 regels geweigerd" in page and 'data-testid="refused-more"' in page
    assert len(page) < 1_000_000 and employees_of(orgs[0]) == 0


@pytest.mark.parametrize("who, status, code", [
    ("other organisation's administrator", 403, "ZID-PORTAL-FORBIDDEN"),
    ("employee", 403, "ZID-PORTAL-FORBIDDEN"),
    ("anonymous", 403, "ZID-PORTAL-LOGIN-REQUIRED"),
])
def test_who_may_not_manage_the_organisation_imports_nothing(client, orgs, who, status, code):
    linde, oost = orgs
    if who == "anonymous":
        browser = Client()
    else:
        role, organisation = ((Role.ADMINISTRATOR, oost) if who.startswith("other") else (Role.MEDEWERKER, linde))
        browser, _ = person_with_role(client, role, organisation, "Otto")
    before = (Person.objects.count(), employees_of(linde))
    for response in (browser.get(PATH.format(ura=linde.ura)), upload(browser, linde.ura, GOOD),
                     upload(browser, linde.ura, GOOD, trial=True)):
        assert (response.status_code, error_code(response)) == (status, code)
    assert (Person.objects.count(), employees_of(linde)) == before
    assert not AuditEvent.objects.filter(event="employees.imported").exists()


def test_the_page_and_the_command_give_the_same_report(admin, orgs, tmp_path):
    browser, _ = admin
    text = HEADER + "Piet;Puk;31-02-1980\nKees;Con\x07trol;01-01-1980\nTe;Weinig\n"
    page = page_of(upload(browser, orgs[0].ura, text))
    path = tmp_path / "medewerkers.csv"
    path.write_text(text, encoding="utf-8")
    output = CliRunner().invoke(employees_app, ["import", str(path), "--ura", orgs[0].ura]).output
    report = importing.import_upload(orgs[0], text.encode(), name="medewerkers.csv", by=admin[1])
    assert "3 van 3 regels geweigerd in medewerkers.csv" in page and "3 van 3 regels geweigerd" in output
    for note in report.refused:
        for problem in note.problems:
            assert problem.text in page and problem.text in " ".join(output.split())


def test_the_report_speaks_english_on_an_english_page(admin, orgs):
    browser, _ = admin
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = upload(browser, orgs[0].ura, HEADER + "Piet;Pan;01-01-2999\n;Leeg;01-01-1980\n")
    page = page_of(response)
    assert response.status_code == 400 and "birth date lies in the future" in page
    assert "field voornamen is empty" in page and "2 of 2 lines refused" in page
    ok = page_of(upload(browser, orgs[0].ura, GOOD))
    assert "3 employees imported into Huisartsenpraktijk De Linde (URA 90000382)" in ok
    assert "They are awaiting their WID check" in ok


def test_the_organisations_page_and_the_employee_list_link_to_the_import(admin, orgs):
    browser, _ = admin
    link = f'href="{PATH.format(ura=orgs[0].ura)}"'
    for path in (f"/organisatie/{orgs[0].ura}", f"/organisatie/{orgs[0].ura}/medewerkers"):
        page = page_of(browser.get(path))
        assert link in page and "Medewerkers importeren" in page, path
