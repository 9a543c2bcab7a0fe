"""A SoftHSM2 token for the CA keys and zorgid installations that sign with it, each command in a process of its
own: SoftHSM2 reads SOFTHSM2_CONF once, when the PKCS#11 module loads (as tests/unit/orgdoc/tokens.py). The
fixtures ``template`` and ``softhsm`` are taken into a test module by name (``template, softhsm = hsm.template,
hsm.softhsm``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from zorgid.devtools.softhsm import DEFAULT_MODULE, SoftHsmHome

PIN = "735194"
TOKEN = "zorgid-ca"
TIMEOUT = 180

# Run in an installation's process: issue with both CAs, a CRL, an OCSP answer and an ID token, from several
# threads at once; print what was made (PEM/DER in base64) as JSON.
SIGN_ALL = r"""
import base64, datetime as dt, json, os, sys
from concurrent.futures import ThreadPoolExecutor
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgid.settings")
import django; django.setup()
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography import x509
from cryptography.x509 import ocsp as x509_ocsp
from django.db import transaction
from zorgid import clock
from zorgid.oidc import keys
from zorgid.pki import certificate_status, ocsp, signing_keys
from zorgid.pki.ca import MOBILE_ID_CA, get_ca
from zorgid.pki.profiles import build, mobile_id_profile
from zorgid.pki.smartcard_ca import get_smartcard_ca

def issue(ca, n):
    key = ec.generate_private_key(ec.SECP256R1())
    return ca.issue(build(mobile_id_profile(
        public_key=key.public_key(), identity_id=f"{n:032d}", mobile_id="b" * 32, first_names="Jan",
        last_name="de Vries", start=clock.now() - dt.timedelta(minutes=5), days=30, base_url="https://zorgid.test")))

pem = lambda c: c.public_bytes(serialization.Encoding.PEM).decode()
count = int(sys.argv[1])
with ThreadPoolExecutor(max_workers=8) as pool:  # one token session per process, used by one thread at a time
    mobile = list(pool.map(lambda n: issue(get_ca(), n), range(count)))
    tokens = list(pool.map(lambda n: keys.sign_jwt({"sub": f"person-{n}", "iss": "https://zorgid.test"}), range(4)))
smartcard = issue(get_smartcard_ca(), 0)
certificate_status.record_issued(MOBILE_ID_CA, mobile[0])
with transaction.atomic():
    certificate_status.revoke(MOBILE_ID_CA, [certificate_status.serial_hex(mobile[0].serial_number)],
                              reason="keyCompromise")
crl = certificate_status.current_crl(MOBILE_ID_CA)
request = x509_ocsp.OCSPRequestBuilder().add_certificate(mobile[0], get_ca().issuing, hashes.SHA256()).build()
answer = ocsp.respond(request.public_bytes(serialization.Encoding.DER))
print(json.dumps({
    "mobile": [pem(c) for c in mobile], "smartcard": pem(smartcard), "crl": base64.b64encode(bytes(crl.der)).decode(),
    "ocsp": base64.b64encode(answer).decode(), "id_tokens": tokens, "jwks": keys.jwks(),
    "usable": signing_keys.signing_keys_usable(),
}))
"""

# Run with the token's SOFTHSM2_CONF: every private key's attributes, and what reading its secret parts gives.
INSPECT_KEYS = r"""
import json, sys
import pkcs11
from pkcs11 import Attribute, ObjectClass
from pkcs11.exceptions import PKCS11Error
spec = json.loads(sys.stdin.read())
token = pkcs11.lib(spec["module"]).get_token(token_label=spec["label"])
found = {}
with token.open(user_pin=spec["pin"]) as session:
    for key in list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})):
        read = {}
        for name in ("VALUE", "PRIVATE_EXPONENT", "PRIME_1"):
            try:
                key[getattr(Attribute, name)]
                read[name] = "read"
            except PKCS11Error as exc:
                read[name] = type(exc).__name__
        found[key[Attribute.LABEL]] = {"extractable": key[Attribute.EXTRACTABLE], "sensitive": key[Attribute.SENSITIVE],
                                       "never_extractable": key[Attribute.NEVER_EXTRACTABLE], "read": read}
print(json.dumps(found))
"""


# Run in an installation's process, its clock moved by argv[1] seconds (or to the moment argv[2], ISO 8601): the
# JWKS, the kid that signs and an ID token signed now (oidc/keys.py), as JSON.
KEY_STATE = r"""
import datetime as dt, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zorgid.settings")
import django; django.setup()
from zorgid import clock
from zorgid.oidc import keys
clock.move(dt.datetime.fromisoformat(sys.argv[2]) - clock.now() if len(sys.argv) > 2 else
           dt.timedelta(seconds=float(sys.argv[1])))
print(json.dumps({"jwks": keys.jwks(), "signer": keys.signing_key().kid,
                  "id_token": keys.sign_jwt({"sub": "person", "iss": "https://zorgid.test"})}))
"""


# Run with the token's SOFTHSM2_CONF: generate an RSA key pair for each label in "generate" (as another instance's
# rotation does), write each data object of "record" (label: value); print the labels of the private keys, a label
# as often as the token has it.
ON_TOKEN = r"""
import json, sys
import pkcs11
from pkcs11 import Attribute, KeyType, ObjectClass
spec = json.loads(sys.stdin.read())
token = pkcs11.lib(spec["module"]).get_token(token_label=spec["label"])
with token.open(rw=True, user_pin=spec["pin"]) as session:
    for label in spec["generate"]:
        session.generate_keypair(KeyType.RSA, 2048, store=True, label=label, id=label.encode())
    for label, value in spec["record"].items():
        session.create_object({Attribute.CLASS: ObjectClass.DATA, Attribute.TOKEN: True, Attribute.PRIVATE: False,
                               Attribute.LABEL: label, Attribute.APPLICATION: "zorgid",
                               Attribute.VALUE: value.encode()})
    keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
    print(json.dumps(sorted(key[Attribute.LABEL] for key in keys)))
"""


@dataclass(frozen=True)
class Installation:
    """A zorgid installation (its ZORGID_HOME with a migrated SQLite database) beside a SoftHSM2 home."""

    home: Path
    softhsm: SoftHsmHome

    def env(self, pin: str | None = PIN, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "ZORGID_PKCS11_PIN", "ZORGID_PKCS11_PIN_FILE", "SOFTHSM2_CONF")}
        env.update({"ZORGID_HOME": str(self.home), "SOFTHSM2_CONF": str(self.softhsm.conf_path),
                    "DJANGO_SETTINGS_MODULE": "zorgid.settings", **extra})
        if pin is not None:
            env["ZORGID_PKCS11_PIN"] = pin
        return env

    def zorgid(self, *args: str, pin: str | None = PIN, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "from zorgid.cli import main; main()", *args],
                              env=self.env(pin, **extra), capture_output=True, text=True, timeout=TIMEOUT)

    def init(self, *args: str, pin: str | None = PIN, **extra: str) -> subprocess.CompletedProcess:
        return self.zorgid("ca", "init", "--pkcs11-module", DEFAULT_MODULE, "--token-label", TOKEN, *args,
                           pin=pin, **extra)

    def sign_all(self, count: int = 8) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", SIGN_ALL, str(count)], env=self.env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def key_state(self, moved_seconds: float = 0, at: dt.datetime | None = None) -> dict:
        """The ID-token keys as a new process of this installation sees them, its clock moved ``moved_seconds``
        (or to the moment ``at``): ``jwks``, ``signer`` (the kid that signs) and an ``id_token`` it signed."""
        moment = [at.isoformat()] if at is not None else []
        done = subprocess.run([sys.executable, "-c", KEY_STATE, str(moved_seconds), *moment], env=self.env(),
                              capture_output=True, text=True, timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def python(self, code: str, pin: str | None = PIN) -> subprocess.CompletedProcess:
        """``code`` in a process of this installation (Django set up)."""
        setup = "import django; django.setup()\n"  # DJANGO_SETTINGS_MODULE: env()
        return subprocess.run([sys.executable, "-c", setup + code], env=self.env(pin), capture_output=True, text=True,
                              timeout=TIMEOUT)

    def on_token(self, generate: tuple[str, ...] = (), record: dict[str, str] | None = None) -> list[str]:
        """Key pairs made and data objects written on the token directly (``ON_TOKEN``), not by zorgid; the labels
        of the private keys on the token then, sorted, each as often as it is there."""
        spec = {"module": DEFAULT_MODULE, "label": TOKEN, "pin": PIN, "generate": list(generate),
                "record": record or {}}
        done = subprocess.run([sys.executable, "-c", ON_TOKEN], env=self.env(), capture_output=True, text=True,
                              input=json.dumps(spec), timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def inspect_keys(self) -> dict:
        done = subprocess.run([sys.executable, "-c", INSPECT_KEYS], env=self.env(), capture_output=True, text=True,
                              input=json.dumps({"module": DEFAULT_MODULE, "label": TOKEN, "pin": PIN}),
                              timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


def finished(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def migrated_template(directory: Path) -> Path:
    """A ZORGID_HOME with a migrated SQLite database, made once and copied per installation."""
    done = subprocess.run([sys.executable, "-c", "from zorgid.cli import main; main()", "migrate"],
                          env={**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
                               "ZORGID_HOME": str(directory)},
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return directory


def installation(template: Path, home: Path, softhsm: SoftHsmHome) -> Installation:
    shutil.copytree(template, home)
    return Installation(home, softhsm)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated ZORGID_HOME, made once per test module."""
    return migrated_template(tmp_path_factory.mktemp("zorgid-template") / "home")


@pytest.fixture
def softhsm(tmp_path):
    """A SoftHSM2 home with an initialised token TOKEN (PIN), a token directory of this test's own."""
    home = SoftHsmHome(tmp_path / "softhsm").ensure()
    home.init_token(TOKEN, PIN)
    return home
