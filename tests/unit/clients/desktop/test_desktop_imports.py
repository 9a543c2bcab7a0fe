"""The Desktop App talks to the server only over HTTP: of zorgid it loads the protocol and itself (the
import-linter contract on zorgid.clients checks the same statically)."""

import subprocess
import sys


def loaded_modules(module: str) -> list[str]:
    code = f"import sys, {module}\nprint('\\n'.join(sorted(sys.modules)))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_the_desktop_client_imports_only_the_protocol_of_the_server():
    loaded = loaded_modules("zorgid.clients.desktop.cli")
    ours = [m for m in loaded if m.split(".")[0] in ("zorgid", "django", "rest_framework")]
    assert "zorgid.protocol" in ours and "zorgid.clients.desktop.cli" in ours
    outside = [m for m in ours if m not in ("zorgid", "zorgid.clients") and not m.startswith(
        ("zorgid.protocol", "zorgid.clients.desktop", "zorgid.clients.http", "zorgid.clients.terminal"))]
    assert outside == []
