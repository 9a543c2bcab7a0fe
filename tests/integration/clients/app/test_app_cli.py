"""The zorgid-app command line: setup, scan (activation and login) and id, against the real server."""

import datetime as dt
import hashlib
import json

import pytest
import segno

from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.clients.app.keystore import Keystore
from zorgid.identities.models import ActivationCode, MobileId, Person
from zorgid.identities.services import issue_activation_code
from zorgid.protocol.payloads import LoginPayload, parse_payload


def test_setup_refuses_a_bad_pin(run, home):
    result = run("setup", "--pin", "12345")
    assert result.exit_code == 1
    assert "Fout ZID-APP-PIN-FORMAT" in result.stderr and "Oplossing:" in result.stderr
    assert "Traceback" not in result.output
    assert not (home / "config.json").exists()


def test_setup_asks_the_pin_twice(run, home):
    result = run("setup", input="246810\n246810\n")
    assert result.exit_code == 0, result.output
    Keystore(home).verify_pin("246810")
    assert run("setup", input="111111\n222222\n").exit_code == 1


def test_setup_prompt_mismatch_is_refused(run, home):
    result = run("setup", input="246810\n246811\n")
    assert result.exit_code == 1 and "ZID-APP-PIN-MISMATCH" in result.stderr
    assert not (home / "config.json").exists()


def test_setup_twice_is_refused(run):
    assert run("setup", "--pin", "123456").exit_code == 0
    result = run("setup", "--pin", "654321")
    assert result.exit_code == 1
    assert "Fout ZID-APP-ALREADY-SETUP" in result.stderr and "--home" in result.stderr


def test_setup_takes_the_pin_from_the_environment(run, home, monkeypatch):
    monkeypatch.setenv("ZORGID_PIN", "135790")
    assert run("setup").exit_code == 0
    Keystore(home).verify_pin("135790")


def test_id_before_and_after_storing_an_id(run, home, installed):
    _, identity, _ = installed
    result = run("id", at=home.parent / "other")
    assert result.exit_code == 1 and "ZID-APP-NOT-SETUP" in result.stderr
    result = run("id")
    assert result.exit_code == 0, result.output
    assert "ID: Jan de Vries" in result.stdout
    assert "01-02-1980" in result.stdout and identity.mobile_id in result.stdout
    assert f"Certificaat geldig tot: {identity.valid_until:%d-%m-%Y}" in result.stdout


def test_no_id_before_activation(run):
    assert run("setup", "--pin", "123456").exit_code == 0
    result = run("id")
    assert result.exit_code == 1 and "Fout ZID-APP-NO-ID" in result.stderr


def test_id_before_setup(run):
    result = run("id")
    assert result.exit_code == 1 and "ZID-APP-NOT-SETUP" in result.stderr


def test_activation_then_login(run, server, home, tmp_path):
    assert run("setup", "--pin", "123456").exit_code == 0
    png = tmp_path / "activatie.png"
    segno.make(server.activation(), error="m").save(str(png), scale=8, border=4)
    result = run("scan", str(png), "--pin", "123456")
    assert result.exit_code == 0, result.output + result.stderr
    assert "ID geïnstalleerd: Jan de Vries" in result.stdout
    files = (home / "key.json").read_text() + (home / "id.json").read_text() + (home / "config.json").read_text()
    assert "123456" not in files and "argon2id$" not in files  # no PIN verifier once the ID is installed
    assert json.loads((home / "id.json").read_text())["server"] == server.origin
    assert json.loads((home / "key.json").read_text())["kind"] == "keyshare"

    login = server.login()
    result = run("scan", login, "--pin", "123456", "--accept")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Inloggen bij ZORG-ID portaal (via http://testserver)? Accepteren?" in result.stdout
    assert "Ingelogd bij ZORG-ID portaal" in result.stdout
    assert server.state(login) == "approved"
    assert server.posts()[-2:] == [f"/api/v1/key-shares/{json.loads((home / 'id.json').read_text())['mobile_id']}"
                                   "/unlock", f"/api/v1/login-flows/{login.split('flow=')[1].split('&')[0]}/approval"]


def test_login_declined_sends_nothing(run, server):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    login = server.login()
    result = run("scan", login, "--pin", "123456", input="n\n")
    assert result.exit_code == 1 and "Geweigerd" in result.stdout
    assert server.state(login) == "pending"
    assert server.posts() == ["/api/v1/activations"]


@pytest.mark.parametrize(("answer", "state"), [("j", "approved"), ("Ja", "approved"), ("nee", "pending")])
def test_the_login_question_takes_a_dutch_answer(run, server, answer, state):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    login = server.login()
    result = run("scan", login, "--pin", "123456", input=f"{answer}\n")
    assert "Accepteren? [ja/nee]" in result.stdout
    assert (result.exit_code == 0) == (state == "approved"), result.output
    assert server.state(login) == state


def test_a_qr_code_the_page_has_replaced_is_refused_and_never_said_logged_in(run, server):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    old = server.login()
    server.login()  # the same browser's page loaded again: a new QR code
    result = run("scan", old, "--pin", "123456", "--accept")
    assert result.exit_code == 1 and "Fout ZID-LOGIN-REPLACED" in result.stderr
    assert "Ingelogd" not in result.stdout and server.state(old) == "pending"


def test_login_with_a_wrong_pin_is_counted_here_and_at_the_server(run, server, home):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    login = server.login()
    result = run("scan", login, "--pin", "000000", "--accept")
    assert result.exit_code == 1 and "ZID-APP-PIN-WRONG" in result.stderr and "nog 4" in result.stderr
    assert server.state(login) == "pending"
    assert AuditEvent.objects.filter(event="keyshare.pin_wrong").count() == 1
    result = run("scan", login, "--pin", "123456", "--accept")
    assert "Ingelogd" in result.stdout
    assert ("Let op: sinds de activatie is er 1 keer een verkeerde pincode voor uw ZORG-ID ingevoerd. Was u dat "
            "niet? Neem contact op met uw beheerder.") in result.stdout
    assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 0
    again = run("scan", server.login(), "--pin", "123456", "--accept")
    assert "Ingelogd" in again.stdout and "Let op" not in again.stdout  # told once


def test_a_login_tells_of_a_new_activation_code_for_the_holder(run, server, home):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    assert "Let op" not in run("scan", server.login(), "--pin", "123456", "--accept").stdout
    mobile_id = MobileId.objects.get(id=json.loads((home / "id.json").read_text())["mobile_id"])
    clock.move(dt.timedelta(minutes=1))
    issue_activation_code(mobile_id.person, actor="someone")
    result = run("scan", server.login(), "--pin", "123456", "--accept")
    assert result.exit_code == 0 and "Ingelogd" in result.stdout
    when = ActivationCode.objects.filter(person=mobile_id.person).latest("issued_at").issued_at.astimezone()
    assert (f"Let op: er is op {when:%d-%m-%Y} om {when:%H:%M} een nieuwe activatie-QR-code voor uw ZORG-ID "
            "uitgegeven. Was u dat niet? Neem contact op met uw beheerder.") in result.stdout


def test_names_from_the_server_are_shown_without_invisible_or_reordering_characters(run, server, home):
    run("setup", "--pin", "123456")
    activation = server.activation()
    code = parse_payload(activation).code
    person = ActivationCode.objects.get(code_hash=hashlib.sha256(code.encode()).hexdigest()).person
    Person.objects.filter(id=person.id).update(first_names="Jan\u202e\u200b\u2066", last_name="de\u2060 Vries\ufeff")
    result = run("scan", activation, "--pin", "123456")
    assert result.exit_code == 0 and "ID geïnstalleerd: Jan de Vries\n" in result.stdout
    shown = run("id")
    assert "ID: Jan de Vries\n" in shown.stdout
    for text in (result.stdout, shown.stdout):
        assert not any(ch in text for ch in "\u202e\u200b\u2066\u2060\ufeff")


def test_login_for_another_server_is_refused(run, server):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    other = LoginPayload("https://other.example", "flow-id-0123456789abcdef").to_uri()
    result = run("scan", other, "--pin", "123456", "--accept")
    assert result.exit_code == 1 and "ZID-APP-WRONG-SERVER" in result.stderr


def test_login_without_id_is_refused(run, server):
    run("setup", "--pin", "123456")
    result = run("scan", server.login(), "--pin", "123456", "--accept")
    assert result.exit_code == 1 and "ZID-APP-NO-ID" in result.stderr


def test_the_first_activation_checks_the_pin_chosen_at_setup(run, server, home):
    run("setup", "--pin", "123456")
    activation = server.activation()
    result = run("scan", activation, "--pin", "654321")
    assert result.exit_code == 1 and "ZID-APP-PIN-WRONG" in result.stderr
    assert server.posts() == [] and not (home / "id.json").exists()
    assert run("scan", activation, "--pin", "123456").exit_code == 0


def test_a_second_activation_needs_confirmation_and_a_new_pin(run, server, home):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    first = json.loads((home / "id.json").read_text())["mobile_id"]
    second = server.activation("Bram", "Bakker")
    result = run("scan", second, "--pin", "123456", input="n\n")
    assert result.exit_code == 1 and "Geweigerd" in result.stdout
    assert server.posts() == ["/api/v1/activations"]
    result = run("scan", second, input="y\n111111\n111111\n")
    assert result.exit_code == 0 and "ID geïnstalleerd: Bram Bakker" in result.stdout, result.output
    assert json.loads((home / "id.json").read_text())["mobile_id"] != first
    assert "Ingelogd" in run("scan", server.login(), "--pin", "111111", "--accept").stdout


def test_a_server_refusal_is_reported_with_its_code(run, server):
    run("setup", "--pin", "123456")
    activation = server.activation()
    run("scan", activation, "--pin", "123456")
    result = run("scan", activation, "--pin", "123456", "--accept")
    assert result.exit_code == 1
    assert "Fout ZID-ACTIVATION-USED: Deze QR-code voor activatie is al gebruikt." in result.stderr
    assert "Oplossing: Vraag uw beheerder" in result.stderr


def test_locked_app_refuses_every_use(run, server, home):
    run("setup", "--pin", "123456")
    run("scan", server.activation(), "--pin", "123456")
    for wrong in range(1, 6):
        if wrong == 4:  # after 3 wrong tries the server makes the app wait; a wait is not a wrong PIN
            result = run("scan", server.login(), "--pin", "999999", "--accept")
            assert "ZID-PIN-WAIT" in result.stderr and "Wacht" in result.stderr
            assert json.loads((home / "config.json").read_text())["failed_pin_attempts"] == 3
        if wrong >= 4:
            clock.move(dt.timedelta(minutes=2 ** (wrong - 4), seconds=1))
        result = run("scan", server.login(), "--pin", "999999", "--accept")
        if wrong < 5:
            assert f"nog {5 - wrong}" in result.stderr
    assert "ZID-APP-LOCKED" in result.stderr and "beheerder" in result.stderr
    assert not (home / "key.json").exists()
    for args in (("scan", server.login(), "--pin", "123456", "--accept"), ("id",), ("setup", "--pin", "123456")):
        result = run(*args)
        assert result.exit_code == 1 and "ZID-APP-LOCKED" in result.stderr


def test_unreadable_png_is_reported(run, tmp_path):
    run("setup", "--pin", "123456")
    png = tmp_path / "leeg.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    result = run("scan", str(png), "--pin", "123456")
    assert result.exit_code == 1 and "ZID-APP-QR-UNREADABLE" in result.stderr


def test_usage_error_exits_with_2(run):
    assert run("scan").exit_code == 2
