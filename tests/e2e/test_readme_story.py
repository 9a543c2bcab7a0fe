"""README.md's story, run as a reader runs it: the command lines of its ``<!-- story: N -->`` blocks, read from the
README itself, each run with bash from the root of a scratch copy of the repository against a real ``zorgid serve``
(and ``zorgid mail send``, as ``make run`` starts them), with the browser steps between the blocks done here in
Chromium. A README command that breaks, or whose outcome is not the one the story tells, fails this test.

The scratch copy links everything of the repository but ``var/``, which is its own (``ZORGID_HOME``); the only
changes to the commands are the two addresses (``127.0.0.1:8000`` of ``make run`` and ``127.0.0.1:5000`` of the
example application) to free ports. The app's questions are answered as a reader would: ``ZORGID_PIN`` and
``ZORGID_BACKUP_PASSWORD`` (README: "``--pin`` (or ``ZORGID_PIN``) … answer them in scripts") and ``ja`` on
standard input.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- story: (\d+) -->\n```sh\n(.*?)```", re.S)
PIN = "246810"
PLACEHOLDER = re.compile(r"…|<[A-Za-z_-]+>")


def story() -> dict[int, list[str]]:
    """The story's blocks from README.md: number → command lines (continuations joined, comment lines left out)."""
    blocks: dict[int, list[str]] = {}
    for number, body in BLOCK.findall(README.read_text(encoding="utf-8")):
        lines, pending = [], ""
        for raw in body.splitlines():
            line = pending + raw
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            pending = ""
            if line.strip() and not line.lstrip().startswith("#"):
                lines.append(line.strip())
        blocks[int(number)] = lines
    return blocks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


@dataclass
class Reader:
    """A reader at the root of the scratch copy, with the terminal of ``make run`` open beside."""

    root: Path
    port: int
    app_port: int
    env: dict[str, str]
    exports: list[str] = field(default_factory=list)
    background: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def var(self) -> Path:
        return self.root / "var"

    def command(self, line: str) -> str:
        return line.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}").replace(
            "127.0.0.1:5000", f"127.0.0.1:{self.app_port}")

    def run_block(self, number: int, lines: list[str]) -> str:
        """Each command as the reader pastes it into bash; an export holds for the rest of the story."""
        output = []
        for line in lines:
            line = self.command(line)
            script = "\n".join([*self.exports, line[:-1] if line.endswith("&") else line])
            if line.endswith("&"):
                log = (self.var / f"background-{len(self.background)}.log").open("w")
                self.background.append(subprocess.Popen(["bash", "-c", script], cwd=self.root, env=self.env,
                                                        stdout=log, stderr=subprocess.STDOUT,
                                                        start_new_session=True))
                continue
            done = subprocess.run(["bash", "-o", "pipefail", "-c", script], cwd=self.root, env=self.env,
                                  input="ja\n" * 8, capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, (f"README block {number}: `{line}` failed ({done.returncode}):\n"
                                          f"{done.stdout}\n{done.stderr}")
            output.append(done.stdout + done.stderr)
            if line.startswith("export "):
                self.exports.append(line)
        return "\n".join(output)

    def app(self, home: str, *args: str) -> str:
        """The same app command the story's text names (a login after a screenshot)."""
        done = subprocess.run([str(self.root / ".venv/bin/zorgid-app"), "--home", home, *args], cwd=self.root,
                              env=self.env, input="ja\n", capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def mails(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted((self.var / "mail").glob("*.eml"))]

    def mail(self, to: str, subject: str = "") -> email.message.EmailMessage:
        def found():
            return next((m for m in reversed(self.mails()) if m["To"] == to and subject in m["Subject"]), None)
        return wait_for(found, f"a mail to {to} {subject!r}")

    def stop(self) -> None:
        for process in reversed(self.background):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def reader(tmp_path):
    root = tmp_path / "zorgid"
    root.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in ("var", ".git"):
            (root / entry.name).symlink_to(entry)
    (root / "var").mkdir()
    (tmp_path / "home").mkdir()
    port, app_port = free_port(), free_port()
    env = {"PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path / "home"),
           "LANG": "C.UTF-8", "ZORGID_HOME": str(root / "var"), "ZORGID_BASE_URL": f"http://127.0.0.1:{port}",
           "ZORGID_RATE_LIMIT_FACTOR": "1000", "ZORGID_PIN": PIN, "ZORGID_BACKUP_PASSWORD": "een lang wachtwoord",
           "ZORGAPP_PORT": str(app_port)}
    for name in ("TMPDIR", "PYTHONPATH"):  # not DATABASE_URL: make run's SQLite in var/, as the story says
        if name in os.environ:
            env[name] = os.environ[name]
    reader = Reader(root, port, app_port, env)
    venv = root / ".venv" / "bin"
    subprocess.run([str(venv / "zorgid"), "migrate"], cwd=root, env=env, check=True, capture_output=True,
                   timeout=300)
    subprocess.run([str(venv / "python"), "scripts/build_validatietool.py", "var/dist/zorgid-validatietool.pyz"],
                   cwd=root, env=env, check=True, capture_output=True, timeout=120)  # make run: make validatietool
    for args in (["serve", "--port", str(port)], ["mail", "send", "--interval", "1"]):  # make run
        log = (root / "var" / f"{args[0]}.log").open("w")
        reader.background.append(subprocess.Popen([str(venv / "zorgid"), *args], cwd=root, env=env, stdout=log,
                                                  stderr=subprocess.STDOUT, start_new_session=True))
    wait_for(lambda: _answers(reader.url + "/foutmeldingen"), "zorgid serve", timeout=60)
    yield reader
    reader.stop()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def screenshot_qr(page, path: Path, test_id: str = "login-qr") -> None:
    """What the reader does: a screenshot of the QR code, saved under var/."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id(test_id).wait_for()
    page.get_by_test_id(test_id).screenshot(path=str(path))


def fill_apply_form(page, url: str) -> None:
    page.goto(url + "/aanvragen/nieuw")
    for label, value in (("Naam van de organisatie", "Huisartsenpraktijk De Linde"), ("URA", "90000382"),
                         ("KvK-nummer", "12345678"), ("Straat", "Lindelaan"), ("Huisnummer", "12a"),
                         ("Postcode", "3511 AB"), ("Plaats", "Utrecht")):
        page.get_by_label(label, exact=True).fill(value)
    for who, name, address in (("technisch beheerder", "Tom Beheer", "tb@linde.example"),
                               ("vertegenwoordiger", "Vera Vertegenwoordiger", "vtw@linde.example"),
                               ("portaal administrator", "Anna Admin", "adm@linde.example")):
        page.get_by_label(f"Naam ({who})").fill(name)
        page.get_by_label(f"E-mailadres ({who})").fill(address)
        page.get_by_label(f"Telefoonnummer ({who})").fill("030 123 4567")
    page.get_by_label("ZORG-ID Mobiel / Smart").check()
    page.get_by_test_id("submit").click()


def register_employee(page, url: str) -> None:
    page.goto(url + "/overzicht")
    page.get_by_test_id("organisation-90000382").click()
    page.get_by_test_id("register-employee").click()
    page.get_by_label("Voornamen (zoals in het identiteitsbewijs)").fill("Piet")
    page.get_by_label("Achternaam (zoals in het identiteitsbewijs)").fill("Pietersen")
    page.get_by_label("Geboortedatum").fill("1988-07-14")
    page.get_by_label("Soort identiteitsbewijs").select_option("identiteitskaart")
    page.get_by_label("Laatste 4 tekens van het documentnummer").fill("K7Q2")
    page.get_by_label("Geldig tot").fill("2031-05-01")
    page.get_by_label("Ik heb het identiteitsbewijs persoonlijk gecontroleerd", exact=False).check()
    page.get_by_test_id("submit").click()


def test_the_readme_story_runs_as_written(reader, chromium):
    blocks = story()
    assert sorted(blocks) == list(range(1, max(blocks) + 1)), "story blocks are numbered 1, 2, 3, … in order"
    var, url = reader.var, reader.url
    browser = chromium.new_context(locale="nl-NL", viewport={"width": 1100, "height": 1000})
    operator, anna, piet, tom = (browser.new_page(), chromium.new_context(locale="nl-NL").new_page(),
                                 chromium.new_context(locale="nl-NL").new_page(),
                                 chromium.new_context(locale="nl-NL").new_page())

    ran = []

    def run(number: int) -> str:
        ran.append(number)
        return reader.run_block(number, blocks[number])

    # 1. The operator
    out = run(1)
    assert "Jan Willem de Vries" in out and (var / "qr" / "operator.png").is_file()
    operator.goto(url + "/")
    screenshot_qr(operator, var / "login.png")
    out = run(2)
    assert "Ingelogd" in out, out
    operator.wait_for_url("**/overzicht", timeout=20_000)
    assert "Jan Willem de Vries" in operator.get_by_test_id("person-name").inner_text()

    # 2. The application; its mails in var/mail
    fill_apply_form(tom, url)
    reference = tom.get_by_test_id("reference").inner_text()
    status_url = tom.url.split("?")[0]
    assert re.fullmatch(r"ZID-\d{4}-[A-Z0-9]{8}", reference)
    reader.mail("tb@linde.example", reference)
    wait_for(lambda: list(var.glob("mail/*/organisatie-ZID-*.xml")), "the confirmation's attachment")
    out = run(3)
    assert "tb@linde.example" in out and f"organisatie-{reference}.xml" in out

    # 3. The validation tool, downloaded from the page
    tom.goto(url + "/aanvragen/validatietool")
    shown = tom.get_by_test_id("sha256").inner_text().strip()
    out = run(4)
    assert f"{shown}  var/zorgid-validatietool.pyz" in out and "portaal.linde.example" in out
    tom.goto(status_url)
    assert tom.get_by_test_id("state").inner_text() == "Document geverifieerd"

    # 4. Approval, follow-up form, activation
    operator.goto(f"{url}/beheer/aanvragen/{reference}")
    operator.get_by_test_id("approve").click()
    assert operator.get_by_test_id("state").inner_text() == "Vervolgformulier verstuurd"
    followup = reader.mail("adm@linde.example")
    link = re.search(r"http://\S+/vervolgformulier/\S+", followup.get_body(("plain",)).get_content()).group(0)
    anna.goto(link)
    anna.get_by_label("Voornamen (zoals in uw identiteitsbewijs)").fill("Anna")
    anna.get_by_label("Achternaam (zoals in uw identiteitsbewijs)").fill("Admin")
    anna.get_by_label("Geboortedatum").fill("1985-05-05")
    anna.get_by_label("E-mailadres").fill("anna@linde.example")
    anna.get_by_label("Telefoonnummer").fill("06 1234 5678")
    anna.get_by_test_id("submit").click()
    anna.get_by_test_id("followup-done").wait_for()
    operator.reload()
    operator.get_by_test_id("send-activation").click()
    reader.mail("anna@linde.example")
    wait_for(lambda: list(var.glob("mail/*/zorgid-activatie-ZID-*.png")), "the activation QR's PNG")
    out = run(5)
    assert "Anna Admin" in out

    # 5. The administrator's first login completes the application
    anna.goto(url + "/")
    screenshot_qr(anna, var / "login.png")
    run(6)
    anna.wait_for_url("**/overzicht", timeout=20_000)
    assert "Portaal administrator" in anna.get_by_test_id("roles").inner_text()
    reader.mail("vtw@linde.example", "Registratie afgerond")

    # 6. An employee, made beheerder
    register_employee(anna, url)
    screenshot_qr(anna, var / "qr" / "piet.png", "handover-qr")
    out = run(7)
    assert "Piet Pietersen" in out
    anna.goto(url + "/organisatie/90000382/medewerkers")
    anna.get_by_role("link", name="Pietersen, Piet").click()
    anna.get_by_test_id("make-beheerder").click()
    piet.goto(url + "/")
    screenshot_qr(piet, var / "login.png")
    reader.app("var/app-piet", "scan", "var/login.png")
    piet.wait_for_url("**/overzicht", timeout=20_000)
    assert "Portaal beheerder" in piet.get_by_test_id("roles").inner_text()

    # 7. Many employees at once
    run(8)
    piet.goto(url + "/organisatie/90000382/medewerkers")
    listed = piet.get_by_test_id("employee-list").inner_text()
    assert "Klaassen, Kees" in listed and "Lotte" in listed

    # 8. A UZI-pas: its attributes on Piet's ID
    out = run(9)
    assert "Piet Pietersen" in out
    conf = next(line.split("=", 1)[1] for line in reader.exports if line.startswith("export SOFTHSM2_CONF="))
    piet.goto(url + "/overzicht")
    piet.get_by_test_id("attributes").click()
    piet.get_by_test_id("register-attributes").click()
    address = piet.get_by_test_id("desktop-link").get_attribute("href")

    def desktop(*args: str) -> str:
        """What the browser starts with the page's zorgid-desktop:// address (install-handler, block 9)."""
        done = subprocess.run([str(reader.root / ".venv/bin/zorgid-desktop"), *args], cwd=reader.root,
                              capture_output=True, text=True, timeout=120,
                              env={**reader.env, "SOFTHSM2_CONF": conf.replace("$PWD", str(reader.root))})
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    desktop("open", address, "--pin", "123456", "--yes")

    def overview_shows_uzi_number() -> bool:
        try:  # the card page moves on by itself once the card answered: a goto in the middle of that is aborted
            piet.goto(url + "/overzicht")
        except PlaywrightError:
            return False
        return "900016528" in piet.get_by_test_id("uzi-registrations").inner_text()

    wait_for(overview_shows_uzi_number, "the UZI number on Piet's overview")

    # 9. A ZORG-ID Smartcard from the blank card, made by the Desktop App that the page starts
    out = run(10)
    transport_pin = re.search(r"Transport-PIN: (\d+)", out).group(1)
    transport_so_pin = re.search(r"Transport-SO-PIN: (\d+)", out).group(1)
    assert "Blanco kaart 1" in out
    piet.goto(url + "/overzicht")
    piet.get_by_test_id("smartcard-new").click()
    piet.get_by_test_id("smartcard-start").click()
    made = desktop("open", piet.get_by_test_id("desktop-link").get_attribute("href"), "--pin", "123456", "--yes",
                   "--transport-pin", transport_pin, "--transport-so-pin", transport_so_pin, "--new-pin", "87654321",
                   "--blank-token-label", "Blanco kaart 1")
    card_number = re.search(r"Kaartnummer (98\d{7})", made).group(1)
    piet.wait_for_url("**/klaar", timeout=20_000)
    out = run(11)
    assert f"ZORG-ID Smartcard, kaartnummer {card_number}" in out
    assert "var/auth.pem: good" in out and "ZORG-ID Smartcard" in out.split("var/auth.pem: good", 1)[1]

    # 10. A healthcare application
    run(12)
    assert "client_id:" in (var / "zorgapp" / "registratie.txt").read_text()
    example = f"http://127.0.0.1:{reader.app_port}"
    wait_for(lambda: _answers(example + "/"), "the example application")
    piet.goto(example + "/")
    piet.get_by_test_id("login").click()
    assert piet.get_by_test_id("oidc-title").inner_text() == "Inloggen bij Zorgapplicatie Voorbeeld"
    screenshot_qr(piet, var / "login.png")
    run(13)
    piet.wait_for_url(example + "/profiel", timeout=20_000)
    assert piet.get_by_test_id("person-name").inner_text() == "Piet Pietersen"
    assert piet.get_by_test_id("organisation-ura").inner_text() == "90000382"
    assert piet.get_by_test_id("uzi-id").inner_text() == "900016528"

    # 11. Backup: a new phone
    out = run(14)
    assert "ID teruggezet: Piet Pietersen" in out and "ID: Piet Pietersen" in out, out
    assert ran == sorted(blocks), "every block of the story runs, in order"
    browser.close()


def test_every_story_command_can_be_pasted_as_it_stands():
    """No placeholder for the reader to fill in by hand (``…``, ``<id>``) outside a trailing comment."""
    blocks = story()
    assert len(blocks) >= 10
    for number, lines in blocks.items():
        for line in lines:
            command = re.split(r"\s+#\s", line)[0]
            assert not PLACEHOLDER.search(command), f"README block {number} has a placeholder: {line}"
