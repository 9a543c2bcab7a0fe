"""Registering the ``zorgid-desktop://`` scheme on a Linux desktop (freedesktop.org Desktop Entry spec 1.5).

The browser hands a ``zorgid-desktop://card?…`` link to whatever application is the default for the MIME
type ``x-scheme-handler/zorgid-desktop``. A ``.desktop`` file in ``$XDG_DATA_HOME/applications`` names the
program (``Exec=… open %u``), and ``xdg-mime default`` makes it the default. ``Terminal=true``: the
security code is asked in a terminal. The browser does not pass the shell's environment, so the module
and, for a test UZI-pas, ``SOFTHSM2_CONF`` are written into the Exec line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..terminal import file_problem
from .errors import HandlerFailed

DESKTOP_FILE = "zorgid-desktop.desktop"
MIME_TYPE = "x-scheme-handler/zorgid-desktop"
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def applications_dir() -> Path:
    """``$XDG_DATA_HOME/applications``, by default ``~/.local/share/applications``."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "applications"


def program_command() -> list[str]:
    """How to start this program: the ``zorgid-desktop`` console script beside this Python, else ``-m``."""
    beside = Path(sys.executable).parent / "zorgid-desktop"
    found = str(beside) if beside.exists() else shutil.which("zorgid-desktop")
    return [found] if found else [sys.executable, "-m", "zorgid.clients.desktop.cli"]


def exec_quote(argument: str) -> str:
    """Quote one Exec argument (spec §"The Exec key"): reserved characters need double quotes, and inside
    them ``"``, `` ` ``, ``$`` and ``\\`` a backslash; a literal ``%`` is written ``%%``."""
    argument = argument.replace("%", "%%")
    if argument and not (_RESERVED & set(argument)):
        return argument
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in argument)
    return f'"{escaped}"'


def desktop_entry(command: list[str], module: str, softhsm_conf: str | None) -> str:
    prefix = ["env", f"SOFTHSM2_CONF={softhsm_conf}"] if softhsm_conf else []
    exec_line = " ".join(exec_quote(arg) for arg in [*prefix, *command, "open", "--module", module]) + " %u"
    return (
        "[Desktop Entry]\nType=Application\nName=ZORG-ID Desktop App\n"
        "Comment=Leest uw UZI-pas voor ZORG-ID (zorgid-desktop)\n"
        f"Exec={exec_line}\nTerminal=true\nNoDisplay=true\nMimeType={MIME_TYPE};\n"
    )


@dataclass(frozen=True)
class Installed:
    """Where the handler was written and what ``xdg-mime`` said (None: xdg-mime is not installed)."""

    path: Path
    registered: bool | None


def install_handler(directory: Path, module: str, softhsm_conf: str | None,
                    command: list[str] | None = None) -> Installed:
    """Write the .desktop file (replacing an older one) and make it the scheme's default handler."""
    path = directory / DESKTOP_FILE
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{DESKTOP_FILE}.tmp")
        tmp.write_text(desktop_entry(command or program_command(), module, softhsm_conf), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise HandlerFailed(file_problem(f"kan {path} niet schrijven", f"cannot write {path}", exc)) from exc
    xdg_mime = shutil.which("xdg-mime")
    if xdg_mime is None:
        return Installed(path, None)
    _run_quietly("update-desktop-database", str(directory))
    try:
        done = subprocess.run([xdg_mime, "default", DESKTOP_FILE, MIME_TYPE], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HandlerFailed(f"xdg-mime: {exc}") from exc
    if done.returncode != 0:
        raise HandlerFailed(f"xdg-mime: {(done.stderr or done.stdout).strip()[:300]}")
    return Installed(path, True)


def _run_quietly(program: str, *args: str) -> None:
    """A helper that only speeds things up (the MIME cache); its absence or failure changes nothing."""
    found = shutil.which(program)
    if found:
        try:
            subprocess.run([found, *args], capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
