"""The ``zorgid`` command line, run in-process through typer's runner against the test database."""

import re

import pytest
import typer
import zxingcpp
from django.db import connection
from PIL import Image
from typer.testing import CliRunner

from zorgid.cli import app
from zorgid.identities.models import ActivationCode, Person
from zorgid.organisations.models import Role
from zorgid.protocol.payloads import ActivationPayload, parse_payload

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)


def _commands(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


@pytest.mark.parametrize("program", ["zorgid", "zorgid-app", "zorgid-desktop", "zorgid-validatietool",
                                     "zorgid-widscan"])
def test_every_command_has_help_in_dutch(program):
    import importlib

    module = {"zorgid": "zorgid.cli", "zorgid-app": "zorgid.clients.app.cli",
              "zorgid-desktop": "zorgid.clients.desktop.cli",
              "zorgid-validatietool": "zorgid.clients.validatietool.cli",
              "zorgid-widscan": "zorgid.clients.widscan.cli"}
    typer_app = importlib.import_module(module[program]).app
    paths = list(_commands(typer.main.get_command(typer_app)))
    assert len(paths) > 3
    for args in paths:
        # a wide terminal: the texts are checked whole, not as rich wraps them beside a long option name
        result = runner.invoke(typer_app, [*args, "--help"], prog_name=program, env={"COLUMNS": "200"})
        assert result.exit_code == 0, args
        assert "Gebruik:" in result.output and "Toon deze hulp en stop." in result.output, (program, args)
        assert " Opties " in result.output, (program, args)  # the options panel (protocol.dutch_terminal)
        for english in ("Show this message", "Usage", " Options ", " Arguments ", " Commands ", "[required]",
                        "[default:", "[env var:"):
            assert english not in result.output, (program, args, english)


def test_operator_add_prints_qr_payload_and_png(tmp_path):
    png = tmp_path / "qr.png"
    result = runner.invoke(app, ["operator", "add", "--first-names", "Jan Willem", "--last-name", "de Vries",
                                 "--birth-date", "12-03-1975", "--png", str(png)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    payload_lines = [line for line in lines if line.startswith("zorgid://")]
    assert len(payload_lines) == 1
    payload = parse_payload(payload_lines[0])
    assert isinstance(payload, ActivationPayload)
    assert "▀" in result.output or "█" in result.output  # the QR drawn in the terminal
    decoded = zxingcpp.read_barcodes(Image.open(png))
    assert [d.text for d in decoded] == [payload_lines[0]]
    person = Person.objects.get()
    assert (person.first_names, person.last_name, person.birth_date.isoformat()) == (
        "Jan Willem", "de Vries", "1975-03-12")
    assert person.roles.get().role == Role.OPERATOR
    code = ActivationCode.objects.get()
    assert (code.expires_at - code.issued_at).days == 10
    assert payload.code not in code.code_hash  # only a hash of the code is stored


@pytest.mark.parametrize("birth_date", ["31-02-1980", "1980-02-01", "01-01-2999", "01-01-1800", "", "1-1-1980"])
def test_operator_add_refuses_a_strange_birth_date(birth_date):
    result = runner.invoke(app, ["operator", "add", "--first-names", "Jan", "--last-name", "Jansen",
                                 "--birth-date", birth_date])
    assert result.exit_code == 1
    assert "ZID-PERSON-INVALID" in result.output
    assert Person.objects.count() == 0


def test_operator_add_refuses_empty_names():
    result = runner.invoke(app, ["operator", "add", "--first-names", " ", "--last-name", "Jansen",
                                 "--birth-date", "01-01-1980"])
    assert result.exit_code == 1 and "ZID-PERSON-INVALID" in result.output
    assert Person.objects.count() == 0


def test_audit_verify_reports_ok_and_tampering():
    runner.invoke(app, ["operator", "add", "--first-names", "Jan", "--last-name", "Jansen",
                        "--birth-date", "01-01-1980"])
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and re.search(r"2 gebeurtenissen", result.output)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET subject = 'person:other' WHERE seq = 1")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "rij 1" in result.output


def test_audit_verify_names_the_anchor_and_finds_the_newest_rows_deleted(settings):
    for name in ("Jan", "Piet"):
        runner.invoke(app, ["operator", "add", "--first-names", name, "--last-name", "Jansen",
                            "--birth-date", "01-01-1980"])
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and f"anker {settings.ZORGID_AUDIT_ANCHOR} klopt" in result.output
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > 2")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "nieuwste rijen verwijderd: het anker kent rij 4, het auditlog eindigt bij rij 2" in result.output
