"""Clients talk to the server only over HTTP: the app client loads zorgid.protocol and nothing else of it.

Checked twice: by what a fresh interpreter actually imports, and by the import-linter contracts in
pyproject.toml (which also keep the protocol free of Django and of the server).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_client_imports_only_the_protocol_of_the_server():
    code = (
        "import sys, zorgid.clients.app.cli\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in ('zorgid', 'django', 'rest_framework'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "zorgid.protocol" in loaded and "zorgid.clients.app.cli" in loaded
    outside = [m for m in loaded if m != "zorgid" and not m.startswith(("zorgid.protocol", "zorgid.clients"))]
    assert outside == []


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout
