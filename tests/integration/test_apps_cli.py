"""``zorgid apps``: the register on the command line, through the real entry point (typer's runner) against the
test database. Each change lands with the command's actor in the history and the audit log; each refusal is
reported with its code, cause and solution and leaves nothing behind."""

import json
import re

import pytest
from typer.testing import CliRunner

from tests.unit.care_apps.jwks import ec_jwk, jwks, rsa_jwk
from zorgid.audit.models import AuditEvent
from zorgid.care_apps.models import CareAppEvent, CareApplication, CareAppStatus, CareAppVersion
from zorgid.cli import app
from zorgid.terminal import actor

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)

ADD = ["apps", "add", "--name", "Dossier [bold]EPD[/]", "--supplier", "Leverancier B.V.", "--version", "2.1",
       "--version", "2.0", "--redirect-uri", "https://ehr.example.nl/oidc/callback"]


def zorgid(*args):
    return runner.invoke(app, list(args), prog_name="zorgid")


def client_id_of(result) -> str:
    found = re.findall(r"^client_id: ([0-9a-f]{32})$", result.stdout, flags=re.MULTILINE)
    assert len(found) == 1, result.output
    return found[0]


@pytest.fixture
def jwks_file(tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks(rsa_jwk("r1"), ec_jwk("e1"))))
    return path


def test_add_prints_the_client_id_and_registers_the_application(jwks_file):
    result = zorgid(*ADD, "--jwks", str(jwks_file), "--product", "mobiel", "--product", "smartcard",
                    "--post-logout-redirect-uri", "https://ehr.example.nl/uit",
                    "--backchannel-logout-uri", "https://ehr.example.nl/bc")
    assert result.exit_code == 0, result.output
    application = CareApplication.objects.get(client_id=client_id_of(result))
    assert application.name == "Dossier [bold]EPD[/]" and "Dossier [bold]EPD[/]" in result.stdout
    assert application.products == ["mobiel", "smartcard"]
    assert [key["kid"] for key in application.jwks["keys"]] == ["r1", "e1"]
    assert application.post_logout_redirect_uris == ["https://ehr.example.nl/uit"]
    assert sorted(application.versions.values_list("version", flat=True)) == ["2.0", "2.1"]
    assert application.events.get().actor == actor()
    assert AuditEvent.objects.get(event="care_app.added").actor == actor()


@pytest.mark.parametrize("extra", [["--jwks-uri", "https://ehr.example.nl/jwks"], ["--tls-ura", "90000382"],
                                   ["--tls-subject-dn", "CN=ehr.example.nl,O=Leverancier B.V.,C=NL"]])
def test_add_with_each_way_to_authenticate(extra):
    result = zorgid(*ADD, *extra)
    assert result.exit_code == 0, result.output
    assert CareApplication.objects.get(client_id=client_id_of(result)).products == ["mobiel"]


def written() -> tuple:
    return (CareApplication.objects.count(), CareAppVersion.objects.count(), CareAppEvent.objects.count(),
            AuditEvent.objects.filter(event__startswith="care_app.").count())


@pytest.mark.parametrize("extra, code", [
    ([], "ZID-CARE-APP-AUTHENTICATION"),
    (["--jwks-uri", "https://x.example/jwks", "--tls-ura", "90000382"], "ZID-CARE-APP-AUTHENTICATION"),
    (["--tls-ura", "1234"], "ZID-CARE-APP-AUTHENTICATION"),
    (["--jwks-uri", "http://x.example/jwks"], "ZID-CARE-APP-URI-INVALID"),
    (["--jwks-uri", "https://x.example/jwks", "--redirect-uri", "https://ehr.example.nl/cb#frag"],
     "ZID-CARE-APP-URI-INVALID"),
    (["--jwks-uri", "https://x.example/jwks", "--product", "fax"], "ZID-CARE-APP-INVALID"),
    (["--jwks-uri", "https://x.example/jwks", "--version", "2 1"], "ZID-CARE-APP-VERSION-INVALID"),
    (["--jwks-uri", "https://x.example/jwks", "--name", "x" * 5000], "ZID-CARE-APP-INVALID"),
])
def test_add_refuses_bad_input_with_its_code(extra, code):
    result = zorgid(*ADD, *extra)
    assert result.exit_code == 1
    assert f"Fout {code}" in result.output and "Oplossing:" in result.output
    assert "Traceback" not in result.output
    assert written() == (0, 0, 0, 0)


def test_add_refuses_a_private_key_a_huge_file_and_a_missing_file(tmp_path):
    private = tmp_path / "private.json"
    private.write_text(json.dumps(jwks(ec_jwk(private=True))))
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"keys": [ec_jwk()], "pad": "x" * 70_000}))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{}")
    for path, says in ((private, "private or symmetric key"), (huge, "larger than 64 KiB"),
                       (tmp_path / "missing.json", "missing.json"), (binary, "not UTF-8")):
        result = zorgid(*ADD, "--jwks", str(path))
        assert result.exit_code == 1, path
        assert "Fout ZID-CARE-APP-JWKS" in result.output and says in " ".join(result.output.split()), result.output
    assert written() == (0, 0, 0, 0)


def test_list_show_and_the_status_commands(jwks_file):
    client_id = client_id_of(zorgid(*ADD, "--jwks", str(jwks_file)))
    listing = zorgid("apps", "list")
    assert listing.exit_code == 0 and client_id in listing.stdout and "geaccepteerd" in listing.stdout
    assert "Dossier [bold]EPD[/]" in listing.stdout  # as typed, not as markup

    suspended = zorgid("apps", "suspend", client_id, "--reason", "Storing bij de leverancier")
    assert suspended.exit_code == 0 and "opgeschort" in suspended.stdout
    assert zorgid("apps", "suspend", client_id).exit_code == 1
    assert zorgid("apps", "reinstate", client_id).exit_code == 0
    assert zorgid("apps", "version", client_id, "--refuse", "2.0").exit_code == 0
    assert zorgid("apps", "version", client_id, "--accept", "3.0").exit_code == 0
    assert zorgid("apps", "withdraw", client_id).exit_code == 0
    again = zorgid("apps", "reinstate", client_id)
    assert again.exit_code == 1 and "Fout ZID-CARE-APP-STATE" in again.output
    assert CareApplication.objects.get().status == CareAppStatus.WITHDRAWN

    shown = zorgid("apps", "show", client_id)
    assert shown.exit_code == 0, shown.output
    for text in ("ingetrokken", "private_key_jwt, sleutels in het register (kid: r1, e1)",
                 "https://ehr.example.nl/oidc/callback", "3.0", "niet geaccepteerd", "geregistreerd", "opgeschort",
                 "reason Storing bij de leverancier", "versie geweigerd", "weer geaccepteerd", actor()):
        assert text in shown.stdout, text
    assert list(CareAppEvent.objects.values_list("action", flat=True)) == [
        "added", "suspended", "reinstated", "version_refused", "version_accepted", "withdrawn"]


@pytest.mark.parametrize("args, code", [
    (["show", "0" * 32], "ZID-CARE-APP-NOT-FOUND"),
    (["show", "x" * 5000], "ZID-CARE-APP-NOT-FOUND"),
    (["suspend", "nope"], "ZID-CARE-APP-NOT-FOUND"),
    (["withdraw", "nope"], "ZID-CARE-APP-NOT-FOUND"),
    (["reinstate", "nope"], "ZID-CARE-APP-NOT-FOUND"),
    (["version", "nope", "--accept", "1.0"], "ZID-CARE-APP-NOT-FOUND"),
    (["version", "nope"], "ZID-CARE-APP-VERSION-INVALID"),
    (["version", "nope", "--accept", "1", "--refuse", "2"], "ZID-CARE-APP-VERSION-INVALID"),
])
def test_unknown_client_ids_and_bad_version_commands(args, code):
    result = zorgid("apps", *args)
    assert result.exit_code == 1 and f"Fout {code}" in result.output, result.output


def test_an_empty_register_is_listed_as_such():
    result = zorgid("apps", "list")
    assert result.exit_code == 0 and "Het register is leeg." in result.stdout


def test_change_replaces_what_is_given(tmp_path):
    client_id = client_id_of(zorgid(*ADD, "--jwks-uri", "https://ehr.example.nl/jwks",
                                    "--post-logout-redirect-uri", "https://ehr.example.nl/uit"))
    keys = tmp_path / "new.json"
    keys.write_text(json.dumps(jwks(ec_jwk("nieuw"))))
    result = zorgid("apps", "change", client_id, "--redirect-uri", "https://ehr.example.nl/a", "--redirect-uri",
                    "https://ehr.example.nl/b", "--jwks", str(keys), "--no-post-logout-redirect-uris")
    assert result.exit_code == 0, result.output
    application = CareApplication.objects.get()
    assert application.redirect_uris == ["https://ehr.example.nl/a", "https://ehr.example.nl/b"]
    assert application.jwks["keys"][0]["kid"] == "nieuw" and application.jwks_uri == ""
    assert application.post_logout_redirect_uris == [] and application.name == "Dossier [bold]EPD[/]"
    assert "gewijzigd" in zorgid("apps", "show", client_id).stdout
    for args, code in ((["--redirect-uri", "http://ehr.example.nl/cb"], "ZID-CARE-APP-URI-INVALID"),
                       ([], "ZID-CARE-APP-INVALID"),
                       (["--jwks-uri", "https://x.example/j", "--tls-ura", "90000382"], "ZID-CARE-APP-AUTHENTICATION")):
        refused = zorgid("apps", "change", client_id, *args)
        assert refused.exit_code == 1 and f"Fout {code}" in refused.output, args
    assert CareAppEvent.objects.filter(action="changed").count() == 1


def test_the_wid_check_is_allowed_by_add_and_change_and_shown(jwks_file):
    allowed = client_id_of(zorgid(*ADD, "--jwks", str(jwks_file), "--wid-check"))
    plain = client_id_of(zorgid(*ADD, "--jwks", str(jwks_file)))
    assert CareApplication.objects.get(client_id=allowed).wid_check_allowed is True
    assert CareApplication.objects.get(client_id=plain).wid_check_allowed is False
    assert "WID-controle:     toegestaan (scope wid_check)" in zorgid("apps", "show", allowed).stdout
    assert "WID-controle:     niet toegestaan" in zorgid("apps", "show", plain).stdout

    assert zorgid("apps", "change", allowed, "--geen-wid-check").exit_code == 0
    assert zorgid("apps", "change", plain, "--wid-check").exit_code == 0
    assert CareApplication.objects.get(client_id=allowed).wid_check_allowed is False
    assert CareApplication.objects.get(client_id=plain).wid_check_allowed is True
    changed = AuditEvent.objects.filter(event="care_app.changed").order_by("seq")
    assert [json.loads(event.details)["wid_check_allowed"] for event in changed] == [False, True]
    assert zorgid("apps", "change", plain, "--name", "Ander").exit_code == 0  # left as it was
    assert CareApplication.objects.get(client_id=plain).wid_check_allowed is True
