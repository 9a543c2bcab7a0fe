"""A SoftHSM2 token that looks like a UZI-pas (R-CRED-UZI; README.md, "With a (test) UZI-pas").

A *SoftHSM home* is a directory with ``softhsm2.conf`` and ``tokens/``: every token in it is one "card in
a reader" for whoever sets ``SOFTHSM2_CONF`` to that file, so two cards made in one home are two cards
inserted at once. SoftHSM2 reads ``SOFTHSM2_CONF`` only when the PKCS#11 library loads, once per process,
so this module never loads the library itself: ``softhsm2-util`` initialises the token, and a child
process (:mod:`.softhsm_worker`) with its own environment generates the keys on the token, has the test
UZI CA issue the certificates and stores them. The PIN travels to the child on stdin, never in argv.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography import x509

from zorgid.protocol.errors import ZorgidError

from .errors import LabelInvalid, PinInvalid, SoftHsmFailed, TokenExists
from .test_uzi_ca import ensure_test_uzi_ca
from .uzi_profile import CardHolder, CertificateKind

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
SOFTHSM2_UTIL = "softhsm2-util"
CONF_NAME = "softhsm2.conf"
PIN = re.compile(r"[A-Za-z0-9]{6,8}")  # docs/uzi.md: "The card PIN is 6–8 characters"
LABEL = re.compile(r"[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?")  # PKCS#11 CK_TOKEN_INFO.label: 32 bytes
TIMEOUT_SECONDS = 120


def check_pin(pin: object) -> str:
    if not isinstance(pin, str) or not PIN.fullmatch(pin):
        raise PinInvalid()
    return pin


def check_label(label: object) -> str:
    if not isinstance(label, str) or not LABEL.fullmatch(label):
        raise LabelInvalid(repr(label)[:60])
    return label


@dataclass(frozen=True)
class SoftHsmHome:
    """A directory of SoftHSM2 tokens and the configuration file that points SoftHSM2 at it."""

    directory: Path

    @property
    def conf_path(self) -> Path:
        return self.directory / CONF_NAME

    @property
    def token_dir(self) -> Path:
        return self.directory / "tokens"

    def env(self) -> dict[str, str]:
        """The environment a process needs to see exactly the tokens of this home."""
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf_path)}

    def export_line(self) -> str:
        return f"export SOFTHSM2_CONF={shlex.quote(str(self.conf_path))}"

    def ensure(self) -> SoftHsmHome:
        """Make the directory (0700) and its configuration file, once; an existing file is kept."""
        directory = self.directory.resolve()
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # an existing directory keeps its mode
        (directory / "tokens").mkdir(mode=0o700, exist_ok=True)
        home = SoftHsmHome(directory)
        if not home.conf_path.exists():
            conf = (f"directories.tokendir = {home.token_dir}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n")
            tmp = home.conf_path.with_name(f".{CONF_NAME}.{secrets.token_hex(4)}")
            tmp.write_text(conf)
            tmp.replace(home.conf_path)
        return home

    def labels(self) -> list[str]:
        """The labels of the initialised tokens in this home."""
        shown = self.util("--show-slots")
        return [line.split(":", 1)[1].strip() for line in shown.splitlines()
                if line.strip().startswith("Label:") and line.split(":", 1)[1].strip()]

    def init_token(self, label: str, pin: str) -> None:
        """A new token in a free slot; the SO PIN is random and forgotten: a test card needs no PUK."""
        self.util("--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", secrets.token_hex(8))

    def delete_token(self, label: str) -> None:
        try:
            self.util("--delete-token", "--token", label)
        except SoftHsmFailed:
            pass  # cleaning up after another failure: that failure is the one to report

    def util(self, *args: str) -> str:
        try:
            done = subprocess.run([SOFTHSM2_UTIL, *args], env=self.env(), capture_output=True, text=True,
                                  timeout=TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SoftHsmFailed(f"{SOFTHSM2_UTIL}: {exc}") from exc
        if done.returncode != 0:
            raise SoftHsmFailed(f"{SOFTHSM2_UTIL} {args[0]}: {(done.stderr or done.stdout).strip()[:300]}")
        return done.stdout


@dataclass(frozen=True)
class UziPas:
    """A test UZI-pas: which token, its PIN, where it lives, for whom, and the certificates on it."""

    label: str
    pin: str
    home: SoftHsmHome
    holder: CardHolder
    certificates: dict[CertificateKind, x509.Certificate]


def make_uzi_pas(
    holder: CardHolder, pin: str, *, home: Path, ca_dir: Path, label: str | None = None, expired: bool = False,
    module: str = DEFAULT_MODULE,
) -> UziPas:
    """Make a token in ``home`` with the holder's key pairs generated on it and UZI certificates beside them."""
    pin = check_pin(pin)
    label = check_label(label if label is not None else f"UZI-pas {holder.uzi_number}")
    ca = ensure_test_uzi_ca(ca_dir)  # made here, under its lock; the child only reads it
    softhsm = SoftHsmHome(Path(home)).ensure()
    with open(softhsm.directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # label check and init as one step across processes
        if label in softhsm.labels():
            raise TokenExists(label)
        softhsm.init_token(label, pin)
    spec = {"module": module, "label": label, "pin": pin, "ca_dir": str(ca.directory), "expired": expired,
            "holder": {k: v for k, v in asdict(holder).items() if k != "title"}}
    try:
        certificates = _fill_token(softhsm, spec)
    except BaseException:
        softhsm.delete_token(label)
        raise
    return UziPas(label, pin, softhsm, holder, certificates)


def _fill_token(softhsm: SoftHsmHome, spec: dict) -> dict[CertificateKind, x509.Certificate]:
    """Run :mod:`.softhsm_worker` with this home's SOFTHSM2_CONF and read its JSON answer."""
    try:
        done = subprocess.run([sys.executable, "-m", "zorgid.devtools.softhsm_worker"], input=json.dumps(spec),
                              env=softhsm.env(), capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SoftHsmFailed(f"worker: {exc}") from exc
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise SoftHsmFailed(f"worker exit {done.returncode}: {done.stderr.strip()[-300:]}") from None
    if done.returncode != 0 or "error" in answer:
        raise ZorgidError.from_dict(answer)
    return {CertificateKind(kind): x509.load_pem_x509_certificate(pem.encode("ascii"))
            for kind, pem in answer["certificates"].items()}
