"""End-to-end fixtures: Debian's Chromium through Playwright, and the client programs as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1100, "height": 1000})
    page = context.new_page()
    yield page
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
