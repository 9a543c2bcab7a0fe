"""The NL Design System CSS and axe-core in the repository are the copies `make static` makes from the versions
frontend/package-lock.json locks (frontend/copy_static.py; docs/architecture.md, "The portal's look")."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FRONTEND = ROOT / "frontend"
NOTICES = [ROOT / "src/zorgid/portal/static/portal/vendor/NOTICE.md", ROOT / "tests/e2e/vendor/NOTICE.md"]


def copy_static():
    spec = importlib.util.spec_from_file_location("copy_static", FRONTEND / "copy_static.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notice_rows(notice: Path) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in notice.read_text().splitlines()
            if line.startswith("| ") and not line.startswith(("| package", "| file", "| ---"))]


@pytest.mark.parametrize("notice", NOTICES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_copy_names_the_locked_version_and_is_what_its_notice_says(notice):
    locked = copy_static().locked_versions()
    rows = notice_rows(notice)
    packages = [row for row in rows if len(row) == 3]
    files = [row for row in rows if len(row) == 2]
    assert packages and files
    for name, version, licence in packages:
        assert locked[name] == version, f"{name}: the copy is {version}, package-lock.json locks {locked[name]}"
        assert licence in ("EUPL-1.2", "MPL-2.0")
    for name, digest in files:
        assert hashlib.sha256((notice.parent / name).read_bytes()).hexdigest() == digest, f"{name} was changed"


def test_the_package_json_pins_exact_versions_and_the_lock_follows_it():
    wanted = json.loads((FRONTEND / "package.json").read_text())["dependencies"]
    locked = copy_static().locked_versions()
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version}"
        assert locked[name] == version


def test_the_css_header_names_the_library_version():
    css = (ROOT / "src/zorgid/portal/static/portal/vendor/nl-design-system.css").read_text()
    version = copy_static().locked_versions()["@utrecht/component-library-css"]
    assert f"@utrecht/component-library-css {version} (EUPL-1.2)" in css.splitlines()[1]


def test_the_copies_are_byte_for_byte_what_the_installed_packages_give():
    module = copy_static()
    if not module.MODULES.is_dir():
        pytest.skip("frontend/node_modules is not installed (make static installs it)")
    for path, content in module.expected_files().items():
        assert path.read_bytes() == content, f"{path.relative_to(ROOT)} differs: run make static"


def test_the_portal_links_no_stylesheet_or_script_from_another_site():
    templates = (ROOT / "src/zorgid").rglob("*.html")
    for template in templates:
        text = template.read_text()
        assert not re.search(r"""<(link|script)[^>]*(href|src)=["'](https?:)?//""", text), template
