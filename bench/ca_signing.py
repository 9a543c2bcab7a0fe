"""Certificates per second signed by the Mobile ID CA with its key in a file and on a SoftHSM2 token
(docs/security.md, "Keys in an HSM"), from 1 and from 8 threads of one process.

    .venv/bin/python bench/ca_signing.py [--count 400]

Each installation runs in a process of its own (SoftHSM2 reads SOFTHSM2_CONF once); the token is made in a
temporary directory with ``zorgid ca init``. Prints one line per key kind and thread count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from zorgid.devtools.softhsm import DEFAULT_MODULE, SoftHsmHome

PIN = "246802"
MEASURE = r"""
import datetime as dt, json, os, sys, time
from concurrent.futures import ThreadPoolExecutor
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgid.settings")
import django; django.setup()
from cryptography.hazmat.primitives.asymmetric import ec
from zorgid import clock
from zorgid.pki.ca import get_ca
from zorgid.pki.profiles import build, mobile_id_profile

count = int(sys.argv[1])
public = ec.generate_private_key(ec.SECP256R1()).public_key()
def issue(n):
    return get_ca().issue(build(mobile_id_profile(
        public_key=public, identity_id=f"{n:032d}", mobile_id="b" * 32, first_names="Jan", last_name="de Vries",
        start=clock.now() - dt.timedelta(minutes=5), days=30)))
issue(0)  # the CA loaded, the token opened and logged in
found = {}
for threads in (1, 8):
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(issue, range(count)))
    found[threads] = count / (time.perf_counter() - started)
print(json.dumps(found))
"""


def run(home: Path, env: dict[str, str], count: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(count)], env={**env, "ZORGID_HOME": str(home)},
                          capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=400, help="certificates per measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOFTHSM2_CONF", "ZORGID_PKCS11_PIN")}
        softhsm = SoftHsmHome(scratch_dir / "softhsm").ensure()
        softhsm.init_token("zorgid-bench", PIN)
        token_env = {**env, "SOFTHSM2_CONF": str(softhsm.conf_path), "ZORGID_PKCS11_PIN": PIN}
        subprocess.run([sys.executable, "-c", "from zorgid.cli import main; main()", "migrate"], check=True,
                       env={**token_env, "ZORGID_HOME": str(scratch_dir / "token")}, capture_output=True, timeout=300)
        subprocess.run([sys.executable, "-c", "from zorgid.cli import main; main()", "ca", "init", "--pkcs11-module",
                        DEFAULT_MODULE, "--token-label", "zorgid-bench"], check=True, capture_output=True,
                       env={**token_env, "ZORGID_HOME": str(scratch_dir / "token")}, timeout=300)
        for kind, home, kind_env in (("file", scratch_dir / "file", env),
                                     ("SoftHSM2", scratch_dir / "token", token_env)):
            figures = run(home, kind_env, args.count)
            for threads, per_second in figures.items():
                print(f"{kind:>9} key, {threads} thread(s): {per_second:7.0f} certificates/s")
    print(f"(load average before the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
