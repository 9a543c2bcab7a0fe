"""Copy what the portal and its browser tests use from the locked npm packages into the repository (`make static`).

The portal serves its CSS itself and needs no npm and no network at run time: the copies are committed.
- src/zorgid/portal/static/portal/vendor/nl-design-system.css: NL Design System's CSS (Utrecht component library):
  its styles for plain HTML elements inside `.utrecht-html` and the few components the portal's base page uses;
  every colour, size and font comes from the theme's tokens (portal/theme.css).
- tests/e2e/vendor/axe.min.js: axe-core, the accessibility checks of the browser tests.
- NOTICE.md beside each: package, version, licence and the SHA-256 of each copy
  (tests/unit/portal/test_vendored_static.py checks them against frontend/package-lock.json).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent
ROOT = FRONTEND.parent
MODULES = FRONTEND / "node_modules"
STATIC_VENDOR = ROOT / "src/zorgid/portal/static/portal/vendor"
TEST_VENDOR = ROOT / "tests/e2e/vendor"

LIBRARY = "@utrecht/component-library-css"
# the component packages of the library whose class-based components base.html and portal.css use
COMPONENTS = (
    "alert", "button", "form-field", "form-field-description", "form-field-error-message", "form-fieldset",
    "form-label", "nav-bar", "nav-list", "page-footer", "page-header", "skip-link",
)
AXE = "axe-core"


def locked_versions() -> dict[str, str]:
    """Package name → version, as frontend/package-lock.json locks it."""
    lock = json.loads((FRONTEND / "package-lock.json").read_text())
    return {path.removeprefix("node_modules/"): entry["version"]
            for path, entry in lock["packages"].items() if path.startswith("node_modules/")}


def _package(name: str) -> tuple[Path, dict]:
    folder = MODULES / name
    return folder, json.loads((folder / "package.json").read_text())


def _css() -> bytes:
    folder, meta = _package(LIBRARY)
    parts = [f"/* NL Design System CSS, copied by frontend/copy_static.py (`make static`); do not edit.\n"
             f" * {LIBRARY} {meta['version']} ({meta['license']}): dist/html.css, then the components below.\n */\n",
             (folder / "dist/html.css").read_text()]
    for component in COMPONENTS:
        _, part = _package(f"@utrecht/{component}-css")
        parts.append(f"\n/* @utrecht/{component}-css {part['version']} ({part['license']}) */\n")
        parts.append((MODULES / f"@utrecht/{component}-css/dist/index.css").read_text())
    return "".join(parts).encode()


def _notice(title: str, packages: list[str], files: dict[Path, bytes], folder: Path) -> bytes:
    versions = locked_versions()
    lines = [f"# {title}", "", "Copied from the npm packages locked in frontend/package-lock.json by "
             "`make static` (frontend/copy_static.py); do not edit these files by hand.", "",
             "| package | version | licence |", "| --- | --- | --- |"]
    for name in packages:
        lines.append(f"| {name} | {versions[name]} | {_package(name)[1]['license']} |")
    lines += ["", "| file | sha256 |", "| --- | --- |"]
    for path, content in sorted(files.items()):
        lines.append(f"| {path.relative_to(folder)} | {hashlib.sha256(content).hexdigest()} |")
    return ("\n".join(lines) + "\n").encode()


def expected_files() -> dict[Path, bytes]:
    """Every file `make static` writes, with its content, made from frontend/node_modules."""
    static = {STATIC_VENDOR / "nl-design-system.css": _css(),
              STATIC_VENDOR / "LICENSE-EUPL-1.2.md": (MODULES / LIBRARY / "LICENSE.md").read_bytes()}
    components = [LIBRARY, *(f"@utrecht/{name}-css" for name in COMPONENTS)]
    static[STATIC_VENDOR / "NOTICE.md"] = _notice("NL Design System CSS", components, static, STATIC_VENDOR)
    tests = {TEST_VENDOR / "axe.min.js": (MODULES / AXE / "axe.min.js").read_bytes(),
             TEST_VENDOR / "LICENSE-axe-core.txt": (MODULES / AXE / "LICENSE").read_bytes()}
    tests[TEST_VENDOR / "NOTICE.md"] = _notice("axe-core for the browser tests", [AXE], tests, TEST_VENDOR)
    return {**static, **tests}


def main() -> int:
    if not MODULES.is_dir():
        print("frontend/node_modules is missing: run `npm ci` in frontend/ first (make static does)", file=sys.stderr)
        return 1
    for path, content in expected_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
