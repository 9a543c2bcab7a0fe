"""SoftHSM2 tokens holding a UZI server key, and signing with them in a process of its own.

A PKCS#11 module reads its configuration once, when it loads (SoftHSM2: SOFTHSM2_CONF), so every signing
with a token runs in a fresh Python with the token directory's SOFTHSM2_CONF, as a technisch beheerder's
own ``zorgid-validatietool sign --pkcs11-module …`` would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from zorgid.devtools.softhsm import SoftHsmHome

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "7654321"
KEY_LABEL = "UZI-servercertificaat"

SIGN_IN_TOKEN_PROCESS = """
import json, sys
from pathlib import Path
from zorgid.orgdoc import sign
from zorgid.orgdoc.pkcs11_key import open_token_key
from zorgid.protocol.errors import ZorgidError
spec = json.loads(sys.stdin.read())
cert = spec.get("cert")
try:
    from cryptography import x509
    certificate = x509.load_pem_x509_certificate(cert.encode()) if cert else None
    with open_token_key(spec["module"], spec["label"], spec["pin"], key_label=spec.get("key_label"),
                        certificate=certificate) as material:
        signed = sign(Path(spec["source"]).read_bytes(), material.key, material.certificate,
                      algorithm=spec.get("algorithm"))
    Path(spec["out"]).write_bytes(signed)
    print("OK")
except ZorgidError as err:
    print(err.code, err.detail)
"""


def token_with_key(home: SoftHsmHome, label: str, key, certificate: x509.Certificate | None) -> None:
    """A token ``label`` with ``key`` imported (softhsm2-util --import) and, if given, its certificate beside it
    (pkcs11-tool --write-object), both with CKA_ID 01 and the same label."""
    home.init_token(label, PIN)
    key_file = home.directory / f"{label}.key.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    try:
        home.util("--import", str(key_file), "--token", label, "--label", KEY_LABEL, "--id", "01", "--pin", PIN)
    finally:
        key_file.unlink()
    if certificate is not None:
        der = home.directory / f"{label}.cert.der"
        der.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
        done = subprocess.run(["pkcs11-tool", "--module", MODULE, "--token-label", label, "--login", "--pin", PIN,
                               "--write-object", str(der), "--type", "cert", "--id", "01", "--label", KEY_LABEL],
                              env=home.env(), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr


def sign_with_token(home: SoftHsmHome, source: Path, out: Path, label: str, **options) -> str:
    """Sign ``source`` into ``out`` with the token ``label`` in a fresh process; "OK" or the refusal's code."""
    spec = {"module": MODULE, "label": label, "pin": PIN, "source": str(source), "out": str(out), **options}
    done = subprocess.run([sys.executable, "-c", SIGN_IN_TOKEN_PROCESS], input=json.dumps(spec),
                          env={**os.environ, "SOFTHSM2_CONF": str(home.conf_path)}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
