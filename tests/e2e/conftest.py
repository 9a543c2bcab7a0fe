"""End-to-end fixtures: Debian's Chromium through Playwright, and the client programs as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e import accessibility

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BIN = Path(sys.executable).parent
# Playwright's sync API keeps an event loop in this thread; Django's database calls here are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is missing: apt-get install -y chromium")
        pytest.skip("Debian chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield CheckedBrowser(browser)
        browser.close()


class CheckedBrowser:
    """The browser; every context made with it checks each page it loads with axe-core (accessibility.py)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        accessibility.watch(context)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def accessible_pages():
    """Every page a browser test loaded has no axe-core violation (WCAG 2.2 AA and best practices)."""
    accessibility.finish()
    yield
    found = accessibility.finish()
    assert not found.violations, "accessibility violations (axe-core):\n" + found.describe()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1100, "height": 1000})
    page = context.new_page()
    yield page
    accessibility.finish_context(context)
    context.close()


class AppClient:
    """``zorgid-app`` run as the user runs it, with its own home directory."""

    def __init__(self, home: Path, pin: str = "246810"):
        self.home, self.pin = home, pin

    def run(self, *args: str, check: bool = True, pin: str | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "ZORGID_PIN": pin or self.pin}
        result = subprocess.run([str(BIN / "zorgid-app"), "--home", str(self.home), *args], env=env,
                                capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"zorgid-app {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def app_client(tmp_path) -> AppClient:
    return AppClient(tmp_path / "app")


class UziPas:
    """A test UZI-pas made with ``zorgid dev uzi-pas`` in its own SoftHSM2 token directory."""

    def __init__(self, token_dir: Path, pin: str):
        self.token_dir, self.pin = token_dir, pin
        self.conf = token_dir / "softhsm2.conf"

    def desktop(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """``zorgid-desktop`` as the browser starts it, with this card in the reader."""
        env = {**os.environ, "SOFTHSM2_CONF": str(self.conf)}
        result = subprocess.run([str(BIN / "zorgid-desktop"), *args], env=env, capture_output=True, text=True,
                                timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"zorgid-desktop {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def make_uzi_pas(tmp_path, settings):
    """Make a card as a developer does: ``zorgid dev uzi-pas``, trusted through the test UZI CA (acceptatie)."""
    from zorgid.pki import uzi_installation

    made = []

    def make(*, name: str = "Jan Jansen", uzi: str = "900016528", ura: str = "90000382", card_type: str = "Z",
             role: str = "01.015", pin: str = "123456", extra: tuple[str, ...] = ()) -> UziPas:
        token_dir = tmp_path / f"card-{len(made)}"
        result = subprocess.run(
            [str(BIN / "zorgid"), "dev", "uzi-pas", "--type", card_type, "--name", name, "--uzi", uzi, "--ura", ura,
             *(["--role", role] if card_type == "Z" else []), "--pin", pin, "--token-dir", str(token_dir),
             "--ca-dir", str(uzi_installation.test_uzi_ca_dir()), *extra],
            env={**os.environ, "ZORGID_HOME": str(settings.ZORGID_HOME)}, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "SOFTHSM2_CONF" in result.stdout
        made.append(token_dir)
        uzi_installation.forget()
        return UziPas(token_dir, pin)

    return make


@pytest.fixture
def activated_app(app_client, tmp_path, live_server, settings):
    """An operator made with ``zorgid operator add``, activated by ``zorgid-app scan <png>``."""
    from typer.testing import CliRunner

    from zorgid.cli import app as zorgid_cli

    settings.ZORGID_BASE_URL = live_server.url
    png = tmp_path / "activatie.png"
    result = CliRunner().invoke(zorgid_cli, ["operator", "add", "--first-names", "Jan Willem", "--last-name",
                                             "de Vries", "--birth-date", "12-03-1975", "--png", str(png)])
    assert result.exit_code == 0, result.output
    app_client.run("setup", "--pin", app_client.pin)
    activated = app_client.run("scan", str(png), "--accept")
    assert "Jan Willem de Vries" in activated.stdout
    assert "Jan Willem de Vries" in app_client.run("id").stdout
    return app_client
