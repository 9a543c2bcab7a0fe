"""The zorgid-app command line: setup, scan (activation and login) and id, with a fake server transport."""

import json

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

from zorgid.clients.app import cli
from zorgid.clients.app.keystore import Keystore
from zorgid.protocol.payloads import ActivationPayload, LoginPayload

SERVER = "https://portal.example"
ACTIVATION = ActivationPayload(SERVER, "activation-code-0123456789").to_uri()
LOGIN = LoginPayload(SERVER, "flow-id-0123456789abcdef").to_uri()


@pytest.fixture
def run(home, monkeypatch):
    monkeypatch.delenv("ZORGID_PIN", raising=False)
    monkeypatch.delenv("ZORGID_APP_HOME", raising=False)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli.app, ["--home", str(home), *args], input=input)

    return invoke


@pytest.fixture
def server(fake_server, monkeypatch):
    monkeypatch.setattr(cli, "server_factory", fake_server.factory)
    return fake_server


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


def test_id_before_and_after_storing_an_id(run, home, new_identity):
    assert run("setup", "--pin", "123456").exit_code == 0
    result = run("id")
    assert result.exit_code == 1 and "Fout ZID-APP-NO-ID" in result.stderr
    key = ec.generate_private_key(ec.SECP256R1())
    identity = new_identity(key)
    Keystore(home).install_id(identity, key, "123456")
    result = run("id")
    assert result.exit_code == 0, result.output
    assert "ID: Jan de Vries" in result.stdout
    assert "01-02-1980" in result.stdout and identity.mobile_id in result.stdout
    assert f"Certificaat geldig tot: {identity.valid_until:%d-%m-%Y}" in result.stdout


def test_id_before_setup(run):
    result = run("id")
    assert result.exit_code == 1 and "ZID-APP-NOT-SETUP" in result.stderr


def test_activation_then_login(run, server, home, tmp_path):
    assert run("setup", "--pin", "123456").exit_code == 0
    png = tmp_path / "activatie.png"
    segno.make(ACTIVATION, error="m").save(str(png), scale=8, border=4)
    result = run("scan", str(png), "--pin", "123456")
    assert result.exit_code == 0, result.output + result.stderr
    assert "ID geïnstalleerd: Jan de Vries" in result.stdout
    assert "123456" not in (home / "key.json").read_text() + (home / "id.json").read_text()
    assert json.loads((home / "id.json").read_text())["server"] == SERVER

    result = run("scan", LOGIN, "--pin", "123456", "--accept")
    assert result.exit_code == 0, result.output + result.stderr
    assert "ZORG-ID portaal (https://portal.example) vraagt u in te loggen. Accepteren?" in result.stdout
    assert "Ingelogd bij ZORG-ID portaal" in result.stdout
    assert server.approved


def test_login_declined_sends_nothing(run, server):
    run("setup", "--pin", "123456")
    run("scan", ACTIVATION, "--pin", "123456")
    result = run("scan", LOGIN, "--pin", "123456", input="n\n")
    assert result.exit_code == 1 and "Geweigerd" in result.stdout
    assert not server.approved
    assert [path for method, path, _ in server.requests if method == "POST"] == ["/api/v1/activations"]


def test_login_with_a_wrong_pin_is_counted(run, server, home):
    run("setup", "--pin", "123456")
    run("scan", ACTIVATION, "--pin", "123456")
    result = run("scan", LOGIN, "--pin", "000000", "--accept")
    assert result.exit_code == 1 and "ZID-APP-PIN-WRONG" in result.stderr and "nog 4" in result.stderr
    assert not server.approved


def test_login_for_another_server_is_refused(run, server):
    run("setup", "--pin", "123456")
    run("scan", ACTIVATION, "--pin", "123456")
    other = LoginPayload("https://other.example", "flow-id-0123456789abcdef").to_uri()
    result = run("scan", other, "--pin", "123456", "--accept")
    assert result.exit_code == 1 and "ZID-APP-WRONG-SERVER" in result.stderr


def test_login_without_id_is_refused(run, server):
    run("setup", "--pin", "123456")
    result = run("scan", LOGIN, "--pin", "123456", "--accept")
    assert result.exit_code == 1 and "ZID-APP-NO-ID" in result.stderr


def test_second_activation_needs_confirmation(run, server):
    run("setup", "--pin", "123456")
    run("scan", ACTIVATION, "--pin", "123456")
    result = run("scan", ACTIVATION, "--pin", "123456", input="n\n")
    assert result.exit_code == 1 and "Geweigerd" in result.stdout
    assert len([1 for method, _, _ in server.requests if method == "POST"]) == 1
    result = run("scan", ACTIVATION, "--pin", "123456", "--accept")
    assert result.exit_code == 0 and "ID geïnstalleerd" in result.stdout


def test_server_error_is_reported_with_its_code(run, server):
    run("setup", "--pin", "123456")
    run("scan", ACTIVATION, "--pin", "123456")
    server.error_for = "/api/v1/login-flows/flow-id-0123456789abcdef"
    result = run("scan", LOGIN, "--pin", "123456", "--accept")
    assert result.exit_code == 1
    assert "Fout ZID-SERVER-ONLY-CODE: De QR-code is verlopen.\nOplossing: Vernieuw de QR-code." in result.stderr


def test_locked_app_refuses_every_use(run, server, home):
    run("setup", "--pin", "123456")
    run("scan", ACTIVATION, "--pin", "123456")
    for _ in range(5):
        result = run("scan", LOGIN, "--pin", "999999", "--accept")
    assert "ZID-APP-LOCKED" in result.stderr and "beheerder" in result.stderr
    assert not (home / "key.json").exists()
    for args in (("scan", LOGIN, "--pin", "123456", "--accept"), ("id",), ("setup", "--pin", "123456")):
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
