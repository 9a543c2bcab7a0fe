"""``zorgid check`` (docs/security.md, "zorgid check"): a productie configuration as docs/security.md describes it
passes with exit status 0; each unsafe item flipped on its own is reported with its code and fix and exit status 1
(a warning alone leaves it 0). Run as a separate process with only that environment, as an administrator runs it.
Every line in Dutch, or in English with --lang en or an English environment (LC_ALL, LC_MESSAGES, LANG)."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from tests.unit.clients.languages import DUTCH, ENGLISH
from zorgid.pki.signing_keys import TokenConfig, write_config
from zorgid.server_backup import contents

from .installation import Installation

pytestmark = pytest.mark.e2e

GOOD_SECRET = "q7Vd2-Lx9pRf0ZtB4nWc8HyJ3uKs6MeA1oGi5TbXvQ2lN7rYz-h3Ws"
# a language-neutral environment whatever the runner's own: Dutch unless a test asks for English
NEUTRAL_LANGUAGE = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}


@pytest.fixture
def productie(tmp_path) -> Installation:
    """A clean productie set-up: https, a random key file (0600), SMTP, UZI CRLs, the anchor on other storage, CA
    keys on a token, a long metrics token, ZORGID_HOME 0700."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (tmp_path / "crl").mkdir()
    (tmp_path / "anchor").mkdir()
    (home / "ca").mkdir(mode=0o700)
    (tmp_path / "pin").write_text("123456")
    os.chmod(tmp_path / "pin", 0o600)
    write_config(home / "ca", TokenConfig("/usr/lib/softhsm/libsofthsm2.so", "zorgid-ca", {"mobile-id": "ca"},
                                          str(tmp_path / "pin")))
    return Installation(home, extra={
        "ZORGID_ENVIRONMENT": "productie", "ZORGID_BASE_URL": "https://zorgid.example.nl",
        "ZORGID_OIDC_ISSUER": "https://zorgid.example.nl", "ZORGID_SMTP_HOST": "smtp.example.nl",
        "ZORGID_UZI_CRL_DIR": str(tmp_path / "crl"), "ZORGID_AUDIT_ANCHOR": str(tmp_path / "anchor" / "audit-anchor"),
        "ZORGID_METRICS_TOKEN": "m" * 8 + GOOD_SECRET, **NEUTRAL_LANGUAGE})


def test_a_clean_productie_configuration_passes(productie):
    done = productie.zorgid("check")
    assert done.returncode == 0
    assert "geen onveilige instellingen voor productie gevonden" in done.stdout
    assert (productie.home / "secret_key").exists()  # the check ran with the key file a start makes


def make_file_ca_keys(installation: Installation) -> None:
    (installation.home / "ca" / "pkcs11.json").unlink()
    (installation.home / "ca" / "issuing.key.pem").write_text("key")
    os.chmod(installation.home / "ca" / "issuing.key.pem", 0o600)


def leftover_ca_key(installation: Installation) -> None:
    (installation.home / "ca" / "root.key.pem").write_text("key")
    os.chmod(installation.home / "ca" / "root.key.pem", 0o600)


def readable_secret_key(installation: Installation) -> None:
    installation.zorgid("check")  # makes the key file
    os.chmod(installation.home / "secret_key", 0o644)


def readable_pin_file(installation: Installation) -> None:
    os.chmod(installation.home.parent / "pin", 0o640)


def readable_home(installation: Installation) -> None:
    os.chmod(installation.home, 0o755)


def interrupted_restore(installation: Installation) -> None:
    """What a ``zorgid restore`` killed after its database step leaves (its marker, as restore_marker writes it)."""
    marker = installation.home / "restore-incomplete"
    marker.write_text(json.dumps({"backup": "/srv/backup/zorgid-2026-12-01.zidbackup", "started": "2026-12-02"}))
    os.chmod(marker, 0o600)


def leftover_staging(installation: Installation) -> None:
    """What a ``zorgid restore`` killed while it decrypted leaves (before any marker): its staging directory, the
    backup's parts in the clear."""
    parts = installation.home / ".zorgid-restore-k1ll3d" / "parts" / "home"
    parts.mkdir(parents=True, mode=0o700)
    (parts / "secret_key").write_text("de geheime sleutel van de back-up")


@pytest.mark.parametrize("env, change, code, text", [
    ({"ZORGID_DEBUG": "1"}, None, "zorgid.E003", "ZORGID_DEBUG staat aan"),
    ({"ZORGID_BASE_URL": "http://zorgid.example.nl"}, None, "zorgid.E001", "ZORGID_BASE_URL is 'http://"),
    ({"ZORGID_SECRET_KEY": "changeme" * 8}, None, "zorgid.E002", "bevat 'changeme'"),
    ({"ZORGID_SECRET_KEY": "k3Y" * 12}, None, "zorgid.E002", "korter dan 50 tekens"),
    ({"ZORGID_OIDC_ISSUER": None}, None, "zorgid.E004", "ZORGID_OIDC_ISSUER is ''"),
    ({"ZORGID_ENVIRONMENT": "acceptatie"}, None, "zorgid.E101", "ZORGID_ENVIRONMENT is acceptatie"),
    ({}, make_file_ca_keys, "zorgid.E102", "de CA-sleutels zijn bestanden"),
    ({}, leftover_ca_key, "zorgid.E102", "liggen nog sleutelbestanden (root.key.pem)"),
    ({"ZORGID_SMTP_HOST": None}, None, "zorgid.E103", "e-mail wordt niet verstuurd maar op schijf bewaard"),
    ({}, readable_secret_key, "zorgid.E104", "secret_key is te lezen door groep of anderen (rechten 644)"),
    ({}, readable_pin_file, "zorgid.E104", "pin is te lezen door groep of anderen (rechten 640)"),
    ({}, readable_home, "zorgid.E104", "is te lezen door groep of anderen (rechten 755)"),
    ({"ZORGID_UZI_CRL_DIR": None}, None, "zorgid.E106", "ingetrokken UZI-passen worden niet herkend"),
    ({"ZORGID_METRICS_TOKEN": "kort-token"}, None, "zorgid.E107", "ZORGID_METRICS_TOKEN is korter dan 32"),
    ({"ZORGID_METRICS_TOKEN": None, "ZORGID_METRICS_NETWORKS": "10.0.0.0/8,0.0.0.0/0"}, None, "zorgid.E107",
     "laat iedereen toe (0.0.0.0/0)"),
    ({}, interrupted_restore, "zorgid.E108", "een terugzetactie van /srv/backup/zorgid-2026-12-01.zidbackup is "
                                             "afgebroken"),
    ({}, leftover_staging, "zorgid.E109", "in ZORGID_HOME staan tussenmappen van een afgebroken terugzetactie "
                                          "of back-up (.zorgid-restore-k1ll3d): de back-up onversleuteld"),
])
def test_each_unsafe_item_is_reported_with_its_code_and_fix(productie, env, change, code, text):
    if change:
        change(productie)
    done = productie.zorgid("check", check=False, **env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"[onveilig] {code}: " in done.stdout, done.stdout
    assert text in done.stdout
    assert done.stdout.count("[onveilig]") == 1, done.stdout  # only the item flipped
    assert "Oplossing: " in done.stdout and "Traceback" not in done.stderr


def test_the_staging_directory_of_a_restore_that_is_running_is_no_finding(productie):
    """A restore holds ZORGID_HOME's restore lock while it runs (server_backup/contents.py): its staging directory is
    in use, not left behind; once the lock is free (the restore killed) it is reported."""
    leftover_staging(productie)
    with contents.restore_lock(productie.home, wait=False) as held:
        assert held
        running = productie.zorgid("check", check=False)
    assert running.returncode == 0 and "zorgid.E109" not in running.stdout, running.stdout
    assert "[onveilig] zorgid.E109: " in productie.zorgid("check", check=False).stdout


def test_the_anchor_in_zorgid_home_is_a_warning_that_leaves_the_exit_status_0(productie):
    done = productie.zorgid("check", ZORGID_AUDIT_ANCHOR=None)
    assert done.returncode == 0
    assert "[waarschuwing] zorgid.W105: het anker van het auditlog" in done.stdout
    assert "Oplossing: Zet ZORGID_AUDIT_ANCHOR op aparte opslag" in done.stdout


def test_the_check_reports_every_unsafe_item_at_once(productie):
    done = productie.zorgid("check", check=False, ZORGID_DEBUG="1", ZORGID_SMTP_HOST=None,
                            ZORGID_BASE_URL="http://zorgid.example.nl")
    assert done.returncode == 1
    assert all(code in done.stdout for code in ("zorgid.E001", "zorgid.E003", "zorgid.E103"))
    assert "zorgid check: 3 onveilig, 0 waarschuwing(en)." in done.stdout
    assert stat.S_IMODE((productie.home / "secret_key").stat().st_mode) == 0o600


DEPLOYMENT = Path(__file__).resolve().parents[3] / "docs" / "deployment.md"


def documented_environment() -> dict[str, str]:
    """The variables of docs/deployment.md's ``/etc/zorgid/zorgid.env`` block (comments left out)."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    block = re.search(r"`/etc/zorgid/zorgid\.env`.*?```sh\n(.*?)```", text, re.S).group(1)
    variables = {}
    for line in block.splitlines():
        name, _, value = line.split("#", 1)[0].strip().partition("=")
        if name:
            variables[name] = value
    return variables


def test_the_documented_productie_set_up_passes(tmp_path):
    """docs/deployment.md's environment file, its paths moved into tmp and its secrets filled in as an
    administrator does (a random secret key, the PIN file 0600, the CA keys on the token), passes zorgid check."""
    variables = documented_environment()
    assert variables["ZORGID_ENVIRONMENT"] == "productie" and variables["ZORGID_SECRET_KEY"] == "…"
    env = {}
    for name, value in variables.items():
        if value.startswith("/"):
            value = str(tmp_path / value.lstrip("/"))
        env[name] = value
    env["ZORGID_SECRET_KEY"] = GOOD_SECRET
    home = Path(env["ZORGID_HOME"])
    home.mkdir(parents=True, mode=0o700)
    (home / "ca").mkdir(mode=0o700)
    pin = Path(env["ZORGID_PKCS11_PIN_FILE"])
    pin.parent.mkdir(parents=True)
    pin.write_text("123456")
    os.chmod(pin, 0o600)
    write_config(home / "ca", TokenConfig("/usr/lib/softhsm/libsofthsm2.so", "zorgid-ca", {"mobile-id": "ca"}))
    Path(env["ZORGID_UZI_CRL_DIR"]).mkdir(parents=True)
    Path(env["ZORGID_AUDIT_ANCHOR"]).parent.mkdir(parents=True)
    env.pop("DATABASE_URL")  # zorgid check never connects; the database's safety is PostgreSQL's own configuration
    installation = Installation(home, database_url="postgresql://zorgid@db1.example.nl:5432/zorgid",
                                extra={**env, **NEUTRAL_LANGUAGE})
    done = installation.zorgid("check", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "geen onveilige instellingen voor productie gevonden" in done.stdout
    os.chmod(pin, 0o644)
    assert f"[onveilig] zorgid.E104: {pin} is te lezen" in installation.zorgid("check", check=False).stdout


# every finding at once: productie's own start checks (E001-E005), every other unsafe item and the warning
EVERY_FINDING = {"ZORGID_DEBUG": "1", "ZORGID_BASE_URL": "http://zorgid.example.nl",
                 "ZORGID_SECRET_KEY": "changeme" * 8, "ZORGID_OIDC_ISSUER": None,
                 "ZORGID_TRUSTED_PROXIES": "0.0.0.0/0", "ZORGID_ENVIRONMENT": "acceptatie", "ZORGID_SMTP_HOST": None,
                 "ZORGID_AUDIT_ANCHOR": None, "ZORGID_UZI_CRL_DIR": None, "ZORGID_METRICS_TOKEN": "kort-token",
                 "ZORGID_METRICS_NETWORKS": "0.0.0.0/0"}
EVERY_CODE = ("zorgid.E001", "zorgid.E002", "zorgid.E003", "zorgid.E004", "zorgid.E005", "zorgid.E101", "zorgid.E102",
              "zorgid.E103", "zorgid.E104", "zorgid.E106", "zorgid.E107", "zorgid.E108", "zorgid.E109",
              "zorgid.W105")
# words only one of the two languages has: the clients' (tests/unit/clients/languages.py) and those of the findings
DUTCH_WORDS = DUTCH | {"aan", "alleen", "anderen", "anders", "bewaard", "door", "draai", "gezet", "geef", "herkend",
                       "iedereen", "kan", "laat", "lezen", "maak", "noem", "ook", "rechten", "sleutel", "staan",
                       "staat", "te", "tekens", "verwijder", "wie", "ze", "zet"}
ENGLISH_WORDS = ENGLISH | {"address", "be", "can", "cards", "characters", "everyone", "give", "key", "keys", "leave",
                           "lets", "make", "name", "only", "or", "others", "permissions", "put", "revoked", "run",
                           "settings", "storage", "whoever"}
# neither language: names of settings and abbreviations (ZORGID_HOME, HSM), titles of docs' sections, commands,
# paths, file names, addresses and options
NEUTRAL = re.compile(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b|'(Keys in an HSM|Healthcare applications|zorgid mail send)'"
                     r"|chattr \+a|^chmod \d+|\S*/\S*|[\w-]+(\.[\w-]+)+|--[a-z0-9-]+")
WORD = re.compile(r"[^\W\d_]+")


@pytest.fixture
def everything_unsafe(productie) -> Installation:
    make_file_ca_keys(productie)
    readable_home(productie)
    interrupted_restore(productie)
    leftover_staging(productie)
    return productie


def assert_every_finding_in(language: str, stdout: str) -> None:
    """Each finding's text and fix, after its severity, code or label, has words of ``language`` and none of the
    other; the severity and the label are that language's."""
    unsafe, solution, own, other = (("unsafe", "Solution", ENGLISH_WORDS, DUTCH_WORDS) if language == "en" else
                                    ("onveilig", "Oplossing", DUTCH_WORDS, ENGLISH_WORDS))
    assert all(f"{code}: " in stdout for code in EVERY_CODE), stdout
    assert stdout.count(f"[{unsafe}] ") == 14  # E107 twice: a short token and a network of everyone
    lines = stdout.splitlines()[1:]
    assert len(lines) == 30 and all(line.startswith(f"    {solution}: ") for line in lines[1::2])
    for line in lines:
        text = NEUTRAL.sub(" ", line.split(": ", 1)[1]).strip()
        words = {word.lower() for word in WORD.findall(text)}
        assert not words & other, (line, words & other)
        assert words & own or not text, line  # a fix that is only a command (chmod 600 …) is neither


def test_with_lang_en_every_finding_is_english(everything_unsafe):
    done = everything_unsafe.zorgid("check", "--lang", "en", check=False, **EVERY_FINDING)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "zorgid check: 14 unsafe, 1 warning(s)."
    assert_every_finding_in("en", done.stdout)
    assert "[warning] zorgid.W105: the anchor of the audit log" in done.stdout
    assert "an example or development key (it contains 'changeme')" in done.stdout  # the key's problem too
    assert done.stderr == ""


def test_without_lang_every_finding_is_dutch_as_before(everything_unsafe):
    done = everything_unsafe.zorgid("check", check=False, **EVERY_FINDING)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "zorgid check: 14 onveilig, 1 waarschuwing(en)."
    assert_every_finding_in("nl", done.stdout)
    assert "[waarschuwing] zorgid.W105: het anker van het auditlog" in done.stdout
    assert ("de geheime sleutel (ZORGID_SECRET_KEY) is een voorbeeld- of ontwikkelsleutel (bevat 'changeme')"
            in done.stdout)


def test_an_english_environment_chooses_english_and_lang_nl_overrides_it(everything_unsafe):
    english = everything_unsafe.zorgid("check", check=False, **EVERY_FINDING, LANG="en_US.UTF-8")
    assert english.stdout == everything_unsafe.zorgid("check", "--lang", "en", check=False, **EVERY_FINDING).stdout
    dutch = everything_unsafe.zorgid("check", check=False, **EVERY_FINDING)
    overridden = everything_unsafe.zorgid("check", "--lang", "nl", check=False, **EVERY_FINDING, LC_ALL="en_GB.UTF-8")
    assert overridden.stdout == dutch.stdout
    assert "[unsafe]" in english.stdout and "[onveilig]" in dutch.stdout


def test_a_clean_configuration_says_so_in_english(productie):
    done = productie.zorgid("check", "--lang", "en")
    assert done.stdout == "zorgid check: no settings found that are unsafe for productie.\n"


def test_the_lang_option_is_explained_in_dutch_and_a_wrong_language_is_a_usage_error(productie):
    shown = productie.zorgid("check", "--help")
    assert "--lang" in shown.stdout and "Taal van alle meldingen" in shown.stdout
    wrong = productie.zorgid("check", "--lang", "de", check=False)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
