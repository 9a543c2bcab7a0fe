"""Making tokens the way a developer makes them, with ``zorgid dev uzi-pas`` in a subprocess: the PKCS#11
library reads SOFTHSM2_CONF once per process, so nothing that touches a token runs in the test process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"


def dev_cli(*args: str, home: Path | None = None) -> subprocess.CompletedProcess:
    """``zorgid dev …`` as a developer runs it (``python -m zorgid.devtools.cli``)."""
    env = {**os.environ, "ZORGID_HOME": str(home)} if home else dict(os.environ)
    env.pop("SOFTHSM2_CONF", None)
    return subprocess.run([sys.executable, "-m", "zorgid.devtools.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def make_card(token_dir: Path, ca_dir: Path, *options: str, uzi: str = "900016528", card_type: str = "Z",
              name: str = "Jan de Vries", pin: str = PIN) -> subprocess.CompletedProcess:
    return dev_cli("uzi-pas", "--type", card_type, "--name", name, "--uzi", uzi, "--ura", "90000382",
                   "--pin", pin, "--token-dir", str(token_dir), "--ca-dir", str(ca_dir), *options)


def in_token_process(conf: Path, code: str) -> str:
    """Run ``code`` in a fresh Python with SOFTHSM2_CONF=conf; returns its stdout."""
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout
