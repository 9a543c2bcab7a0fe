"""``zorgid employees import``: employees awaiting their WID check from a CSV file, all or nothing (R-FLOW-BEHREG)."""

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from zorgid import clock
from zorgid.administration import importing
from zorgid.audit.models import AuditEvent
from zorgid.cli import app
from zorgid.employees_cli import employees_app
from zorgid.identities.models import ActivationCode, Person, WidCheck
from zorgid.organisations.models import Role, RoleAssignment
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

runner = CliRunner()
HEADER = "voornamen;achternaam;geboortedatum\n"
MOUNTED = any(group.name == "employees" for group in app.registered_groups)


def run(*args: str):
    """``zorgid employees …`` through the main app once it is mounted there, else the sub-app itself."""
    if MOUNTED:
        return runner.invoke(app, ["employees", *args])
    return runner.invoke(employees_app, list(args))


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Ziekenhuis De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


def write(tmp_path, text: str, *, name: str = "medewerkers.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def letters(number: int) -> str:
    """A number written in letters (a name has no digits): 0 → "a", 27 → "bb"."""
    text = ""
    while True:
        text, number = chr(ord("a") + number % 26) + text, number // 26
        if not number:
            return text.capitalize()


def good_rows(count: int) -> str:
    return "".join(f"Jan {letters(i)};Jansen-{letters(i % 97)};{1 + i % 28:02d}-{1 + i % 12:02d}-{1950 + i % 50}\n"
                   for i in range(count))


def test_a_good_file_imports_employees_awaiting_their_wid_check(tmp_path, orgs):
    linde, oost = orgs
    path = write(tmp_path, "\ufeff" + HEADER + "Jan Willem;de Vries;12-03-1975\nÉlodie;Şahin-Öztürk;01-02-1990\n"
                 + good_rows(200), name="hr.csv")
    result = run("import", str(path), "--ura", linde.ura)
    assert result.exit_code == 0, result.output
    assert "202 medewerkers geïmporteerd" in result.output
    assert Person.objects.count() == 202
    assert RoleAssignment.objects.filter(organisation=linde, role=Role.MEDEWERKER).count() == 202
    assert RoleAssignment.objects.count() == 202  # that organisation only, that role only
    assert not RoleAssignment.objects.filter(organisation=oost).exists()
    jan = Person.objects.get(last_name="de Vries")
    assert (jan.first_names, jan.birth_date) == ("Jan Willem", dt.date(1975, 3, 12))
    assert Person.objects.filter(first_names="Élodie", last_name="Şahin-Öztürk").exists()
    assert not WidCheck.objects.exists() and not ActivationCode.objects.exists()  # awaiting the WID check

    (event,) = AuditEvent.objects.filter(event="employees.imported")
    details = json.loads(event.details)
    assert event.actor.startswith("cli") and event.subject == f"organisation:{linde.ura}"
    assert (details["ura"], details["count"], details["file"]) == (linde.ura, 202, "hr.csv")
    assert re.fullmatch(r"[0-9a-f]{64}", details["sha256"]) and details["sha256"] in result.output
    assert not AuditEvent.objects.filter(event__in=["person.registered", "role.granted"]).exists()  # none per row


def test_commas_work_as_separator_and_quotes_are_read(tmp_path, orgs):
    path = write(tmp_path, 'voornamen,achternaam,geboortedatum\r\n"Anna Maria","van den Berg, jr.",01-01-1980\r\n')
    result = run("import", str(path), "--ura", orgs[0].ura)
    assert result.exit_code == 0, result.output
    assert Person.objects.get().last_name == "van den Berg, jr."


BAD_ROWS = [  # (row, what the report says about its line)
    ("Piet;Puk;31-02-1980", "geen bestaande datum"),
    ("Piet;Pan;01-01-2999", "in de toekomst"),
    (";Leeg;01-01-1980", "veld voornamen is leeg"),
    ("Kees;Con\x07trol;01-01-1980", "stuurtekens"),
    ("Te;Weinig", "2 kolommen"),
    ("Te;Veel;01-01-1980;extra", "4 kolommen"),
    ("Lang;" + "x" * 129 + ";01-01-1980", "langer dan 128"),
    ("Oud;Opa;01-01-1850", "onwaarschijnlijke leeftijd"),
    ("Datum;Anders;1980-01-01", "geen bestaande datum"),
    ("Jan Willem;de Vries;12-03-1975", "dubbel: dezelfde persoon als regel 2"),  # duplicate of line 2
]


def test_bad_rows_refuse_the_whole_file_and_each_is_reported(tmp_path, orgs):
    lines = ["Jan Willem;de Vries;12-03-1975", *(row for row, _ in BAD_ROWS), "Goed;Genoeg;01-05-1985"]
    path = write(tmp_path, HEADER + "\n".join(lines) + "\n")
    result = run("import", str(path), "--ura", orgs[0].ura)
    assert result.exit_code == 1, result.output
    assert f"{len(BAD_ROWS)} van {len(lines)} regels geweigerd" in result.output
    assert "ZID-IMPORT-ROWS-REFUSED" in result.output
    for number, (_, reason) in enumerate(BAD_ROWS, 3):  # header is line 1, the good row line 2
        assert re.search(rf"regel {number}: .*{re.escape(reason)}", result.output), (number, reason)
    assert "  regel 2:" not in result.output and f"regel {len(lines) + 1}:" not in result.output
    assert "\x07" not in result.output  # control characters are shown escaped, never sent to the terminal
    for code in ("ZID-IMPORT-ROW-DATE", "ZID-IMPORT-ROW-CONTROL", "ZID-IMPORT-ROW-COLUMNS", "ZID-IMPORT-ROW-DUPLICATE"):
        assert f"({code})" in result.output  # each line with its code, as the page's table shows it
    assert Person.objects.count() == 0 and RoleAssignment.objects.count() == 0
    assert not AuditEvent.objects.filter(event="employees.imported").exists()


def test_same_person_with_other_case_and_spaces_is_a_duplicate(orgs):
    report = importing.import_employees(orgs[0], [["Jan  Willem", "De Vries", "12-03-1975"],
                                                  ["jan willem", "de vries", "12-03-1975"]], actor="test")
    assert [(note.line, note.reason) for note in report.refused] == [
        (3, "dubbel: dezelfde persoon als regel 2: 'jan willem;de vries;12-03-1975'")]
    assert report.refused[0].codes == ("ZID-IMPORT-ROW-DUPLICATE",)
    assert not report.written and Person.objects.count() == 0


def test_dry_run_creates_nothing(tmp_path, orgs):
    path = write(tmp_path, HEADER + good_rows(30))
    result = run("import", str(path), "--ura", orgs[0].ura, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "30 medewerkers zouden worden geïmporteerd" in result.output and "niets opgeslagen" in result.output
    assert Person.objects.count() == 0 and not AuditEvent.objects.filter(event="employees.imported").exists()


def test_persons_already_in_the_organisation_are_skipped_not_duplicated(tmp_path, orgs):
    linde, oost = orgs
    path = write(tmp_path, HEADER + "Jan Willem;de Vries;12-03-1975\nAnna;Bakker;02-02-1982\n")
    assert run("import", str(path), "--ura", linde.ura).exit_code == 0
    again = run("import", str(path), "--ura", linde.ura)
    assert again.exit_code == 0, again.output
    assert "regel 2: staat al in de organisatie" in again.output and "0 medewerkers geïmporteerd" in again.output
    assert Person.objects.count() == 2
    # a beheerder registered by hand with another role counts as well; another organisation gets its own persons
    carla = Person.objects.create(first_names="Carla", last_name="Smit", birth_date=dt.date(1970, 7, 7),
                                  created_at=clock.now())
    grant_role(carla, Role.BEHEERDER, linde, actor="test")
    report = importing.import_employees(linde, [["CARLA", "smit", "07-07-1970"], ["Dirk", "Smit", "07-07-1971"]],
                                        actor="test")
    assert (report.imported, [n.line for n in report.already]) == (1, [2])
    result = run("import", str(path), "--ura", oost.ura)
    assert result.exit_code == 0 and Person.objects.filter(roles__organisation=oost).count() == 2


def test_unknown_ura_is_a_clear_error(tmp_path, orgs):
    path = write(tmp_path, HEADER + good_rows(2))
    for ura in ("12345678", "abc"):
        result = run("import", str(path), "--ura", ura)
        assert result.exit_code == 1 and "ZID-IMPORT-ORG-UNKNOWN" in result.output
        assert "Er is geen organisatie met dit URA" in result.output
    assert Person.objects.count() == 0


@pytest.mark.parametrize("encoding, detail", [("cp1252", "regel 3: byte 0xe9 is geen UTF-8"), ("utf-16", "UTF-16")])
def test_a_file_in_another_encoding_is_a_clear_error(tmp_path, orgs, encoding, detail):
    path = write(tmp_path, HEADER + "Jan;Jansen;01-01-1980\nRené;Müller;01-01-1980\n", encoding=encoding)
    result = run("import", str(path), "--ura", orgs[0].ura)
    assert result.exit_code == 1 and "ZID-IMPORT-ENCODING" in result.output and detail in result.output
    assert "CSV UTF-8" in result.output and Person.objects.count() == 0


@pytest.mark.parametrize("text, detail", [
    ("", "het bestand is leeg"),
    ("\n\nvoornamen;achternaam;geboortedatum\n", "regel 1 is leeg"),
    ("naam;geboren\nJan;01-01-1980\n", "de kop moet voornamen;achternaam;geboortedatum zijn"),
    (HEADER + 'Jan;"Jan"sen;01-01-1980\n', "regel 2"),
])
def test_a_file_of_another_form_is_a_clear_error(tmp_path, orgs, text, detail):
    result = run("import", str(write(tmp_path, text)), "--ura", orgs[0].ura)
    assert result.exit_code == 1 and "ZID-IMPORT-FILE-INVALID" in result.output and detail in result.output


def test_limits_on_size_and_rows(tmp_path, orgs, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    result = run("import", str(write(tmp_path, HEADER + good_rows(6))), "--ura", orgs[0].ura)
    assert result.exit_code == 1 and "ZID-IMPORT-TOO-LARGE" in result.output and "meer dan 5 regels" in result.output
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 100)
    result = run("import", str(write(tmp_path, HEADER + good_rows(5))), "--ura", orgs[0].ura)
    assert result.exit_code == 1 and "ZID-IMPORT-TOO-LARGE" in result.output
    assert Person.objects.count() == 0


def test_an_interruption_while_writing_leaves_nothing(tmp_path, orgs, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 10)
    calls = []

    def interrupt(stage, done, total):
        calls.append(stage)
        if stage == importing.WRITING and done >= 20:  # two batches of persons are in
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importing.import_employees(orgs[0], [["Jan", f"Nummer{letters(i)}", "01-01-1980"] for i in range(50)],
                                   actor="test", progress=interrupt)
    assert importing.WRITING in calls
    assert Person.objects.count() == 0 and RoleAssignment.objects.count() == 0
    assert not AuditEvent.objects.filter(event="employees.imported").exists()

    monkeypatch.setattr(importing, "PROGRESS_EVERY", 10)
    path = write(tmp_path, HEADER + good_rows(50))
    original = importing.import_employees

    def interrupted(*args, **kwargs):
        return original(*args, **{**kwargs, "progress": interrupt})

    monkeypatch.setattr(importing, "import_employees", interrupted)
    result = run("import", str(path), "--ura", orgs[0].ura)
    assert result.exit_code == 130 and "Onderbroken" in result.output and "niets geïmporteerd" in result.output
    assert Person.objects.count() == 0


def test_the_help_is_dutch():
    result = run("import", "--help")
    assert result.exit_code == 0
    for text in ("--ura", "--dry-run", "WID-controle", "dd-mm-jjjj", "niets opgeslagen"):
        assert text in result.output
