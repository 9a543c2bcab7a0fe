"""The installation's signing keys: in files (development) or on a PKCS#11 token (docs/security.md, "Keys in an HSM").

Four keys sign what zorgid issues: the root CA's, the Mobile ID CA's and the smartcard CA's (EC P-256:
certificates, CRLs, the OCSP responders' certificates) and the ID-token key (RSA 3072, RS256). Without
configuration they are PEM files (0600) in ZORGID_HOME/ca and ZORGID_HOME/oidc, made on first start. With
``zorgid ca init --pkcs11-module … --token-label …`` they are generated on a token (CKA_SENSITIVE, not
CKA_EXTRACTABLE), and ZORGID_HOME/ca/pkcs11.json records where::

    {"module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "zorgid", "pin_file": null,
     "keys": {"root": "zorgid-root", "mobile-id": "zorgid-mobile-id", "smartcard": "zorgid-smartcard"}}

The PIN comes from ZORGID_PKCS11_PIN, else from the file named by ZORGID_PKCS11_PIN_FILE or by the
configuration's ``pin_file``; never from the command line, never logged (an error names the token, not the PIN).

A token key is a :class:`TokenEcKey` or :class:`TokenRsaKey`: a ``cryptography`` private key class whose
``sign`` has the token sign, so the x509 certificate, CRL and OCSP builders and the profiles work unchanged.
The token is opened lazily, at the first signature in a process (a gunicorn master never opens it: its workers
are forked from it, and a PKCS#11 session does not survive a fork). Each process keeps one logged-in session
per token, and a lock lets one thread at a time use it (a PKCS#11 session is not for concurrent use); a
session that the token lost (restart, removal) or could not open for a moment is opened again, a few tries,
before the signature fails. A wrong PIN is tried once per process, never again (an HSM would lock it).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from zorgid.config import write_private_file
from zorgid.protocol.errors import ZorgidError

from .errors import CaConfigInvalid, HsmFailed, HsmKeyNotFound, HsmModuleUnavailable, HsmPinWrong, HsmTokenNotFound

CONFIG_FILE = "pkcs11.json"
PIN_ENV = "ZORGID_PKCS11_PIN"
PIN_FILE_ENV = "ZORGID_PKCS11_PIN_FILE"
CA_ROLES = ("root", "mobile-id", "smartcard")  # the EC keys of ca.py and smartcard_ca.py, by their role
PROBE = b"zorgid signing key check"
CHECK_SECONDS = 10.0  # signing_keys_usable() signs again at most this often per process


@dataclass(frozen=True)
class TokenConfig:
    """Which token holds the keys: its module, its label, a PIN file (or None) and the key labels by role."""

    module: str
    token_label: str
    keys: dict[str, str] = field(default_factory=dict)
    pin_file: str | None = None

    def as_json(self) -> bytes:
        return json.dumps({"module": self.module, "token_label": self.token_label, "pin_file": self.pin_file,
                           "keys": self.keys}, indent=2).encode() + b"\n"


def load_config(ca_dir: Path) -> TokenConfig | None:
    """The token configuration of the CA in ``ca_dir``, or None when its keys are files."""
    path = Path(ca_dir) / CONFIG_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        config = TokenConfig(str(data["module"]), str(data["token_label"]),
                             {str(k): str(v) for k, v in data.get("keys", {}).items()},
                             str(data["pin_file"]) if data.get("pin_file") else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CaConfigInvalid(f"{path}: {type(exc).__name__}") from exc
    return config


def write_config(ca_dir: Path, config: TokenConfig) -> None:
    path = Path(ca_dir) / CONFIG_FILE
    new = path.with_name(f".{CONFIG_FILE}.new")
    new.unlink(missing_ok=True)
    write_private_file(new, config.as_json())
    os.replace(new, path)


def read_pin(config: TokenConfig) -> str:
    """The token's user PIN: ZORGID_PKCS11_PIN, else the PIN file (first line)."""
    pin = os.environ.get(PIN_ENV)
    if pin:
        return pin
    pin_file = os.environ.get(PIN_FILE_ENV) or config.pin_file
    if not pin_file:
        raise HsmPinWrong(f"no PIN: set {PIN_ENV} or {PIN_FILE_ENV}")
    try:
        pin = Path(pin_file).read_text().strip()
    except OSError as exc:
        raise HsmPinWrong(f"PIN file {pin_file}: {type(exc).__name__}") from exc
    if not pin:
        raise HsmPinWrong(f"PIN file {pin_file} is empty")
    return pin


# --- the token: one logged-in session per process and token, used by one thread at a time ---


SIGN_ATTEMPTS = 4
RETRY_WAIT = 0.05  # seconds, times the attempt's number


class Token:
    def __init__(self, config: TokenConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self._session = None
        self._pid = 0
        self._keys: dict[str, object] = {}
        self._pin_refused: HsmPinWrong | None = None

    def session(self):
        """The logged-in session (opened now if needed); the caller holds :attr:`lock`.

        A PIN the token refused is not tried again in this process: an HSM locks its user PIN after a few wrong
        tries, and every request of every worker would be one."""
        if self._pin_refused is not None:
            raise HsmPinWrong(f"{self._pin_refused.detail}; not tried again until zorgid restarts")
        if self._session is None or self._pid != os.getpid():
            self._keys = {}
            try:
                self._session = open_session(self.config, rw=False, tries=1)  # sign() tries again
            except HsmPinWrong as refused:
                self._pin_refused = refused
                raise
            self._pid = os.getpid()
        return self._session

    def private_key(self, label: str):
        if label not in self._keys:
            self._keys[label] = find_private_key(self.session(), label)
        return self._keys[label]

    def sign(self, label: str, data: bytes, mechanism) -> bytes:
        """``data`` signed on the token with the private key ``label``.

        A lost session, or a token that answered with an error while the session was being opened (SoftHSM2
        rereads its token file while another process logs in and writes it), is opened again: up to
        :data:`SIGN_ATTEMPTS` tries, :data:`RETRY_WAIT` seconds apart. A wrong PIN and a missing key are
        never tried again."""
        from pkcs11.exceptions import PKCS11Error

        with self.lock:
            for attempt in range(1, SIGN_ATTEMPTS + 1):
                try:
                    return bytes(self.private_key(label).sign(data, mechanism=mechanism))
                except (PKCS11Error, HsmModuleUnavailable, HsmFailed) as exc:
                    self.forget()
                    if attempt == SIGN_ATTEMPTS:
                        if isinstance(exc, PKCS11Error):
                            raise HsmFailed(f"signing with {label!r}: {type(exc).__name__}") from exc
                        raise
                    time.sleep(RETRY_WAIT * attempt)
        raise AssertionError("unreachable")

    def forget(self) -> None:
        from pkcs11.exceptions import PKCS11Error

        with self.lock:
            if self._session is not None and self._pid == os.getpid():
                with contextlib.suppress(PKCS11Error):
                    self._session.close()
            self._session, self._keys = None, {}


_tokens: dict[TokenConfig | tuple, Token] = {}
_tokens_lock = threading.Lock()


def token_for(config: TokenConfig) -> Token:
    identity = (config.module, config.token_label)
    with _tokens_lock:
        if identity not in _tokens:
            _tokens[identity] = Token(config)
        return _tokens[identity]


# Listing the tokens or opening a session while another process writes to the token can fail with
# CKR_GENERAL_ERROR or CKR_TOKEN_NOT_RECOGNIZED (SoftHSM2 reads its token directory then, and a file the other process
# replaces is gone halfway; seen about once in 20,000 listings under constant writes): the list and the session are
# tried again this often, with a short wait
TOKEN_TRIES = 4
TOKEN_WAIT_SECONDS = 0.05  # doubled each time: 0.05, 0.1, 0.2


def open_session(config: TokenConfig, *, rw: bool, tries: int = TOKEN_TRIES):
    """A session on the configured token, logged in with the configured PIN; errors with their codes. ``tries``:
    the signing session passes 1, as :meth:`Token.sign` tries a failed signature again with a new session."""
    import pkcs11
    from pkcs11.exceptions import GeneralError, PKCS11Error, TokenNotRecognised

    try:
        lib = pkcs11.lib(config.module)
    except (PKCS11Error, RuntimeError, OSError) as exc:
        raise HsmModuleUnavailable(f"{config.module}: {type(exc).__name__}") from exc
    for attempt in range(tries):
        try:
            return _open_once(lib, config, rw=rw)
        except (HsmModuleUnavailable, HsmFailed) as error:
            if attempt == tries - 1 or not isinstance(error.__cause__, (GeneralError, TokenNotRecognised)):
                raise
            time.sleep(TOKEN_WAIT_SECONDS * 2 ** attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _open_once(lib, config: TokenConfig, *, rw: bool):
    from pkcs11.exceptions import PinIncorrect, PinInvalid, PinLenRange, PinLocked, PKCS11Error

    try:
        tokens = [token for token in lib.get_tokens() if token.label.strip() == config.token_label]
    except PKCS11Error as exc:
        raise HsmModuleUnavailable(f"tokens: {type(exc).__name__}") from exc
    if len(tokens) != 1:
        raise HsmTokenNotFound(f"{config.token_label!r}: {'not found' if not tokens else 'more than one'}")
    pin = read_pin(config)
    try:
        return tokens[0].open(rw=rw, user_pin=pin)
    except (PinIncorrect, PinLenRange, PinInvalid) as exc:
        raise HsmPinWrong(f"token {config.token_label!r}: {type(exc).__name__}") from exc
    except PinLocked as exc:
        raise HsmPinWrong(f"token {config.token_label!r}: locked") from exc
    except PKCS11Error as exc:
        raise HsmFailed(f"login: {type(exc).__name__}") from exc


def find_private_key(session, label: str):
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import PKCS11Error

    try:
        found = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: label}))
    except PKCS11Error as exc:
        raise HsmFailed(f"finding {label!r}: {type(exc).__name__}") from exc
    if len(found) != 1:
        raise HsmKeyNotFound(f"{label!r}: {len(found)} private keys with this label")
    return found[0]


# --- private keys whose signatures the token makes ---


class TokenEcKey(ec.EllipticCurvePrivateKey):
    """An EC P-256 key on the token: ECDSA with SHA-256 (the digest made here, CKM_ECDSA on the token)."""

    def __init__(self, token: Token, label: str, public: ec.EllipticCurvePublicKey) -> None:
        self.token, self.label, self._public = token, label, public

    def sign(self, data: bytes, signature_algorithm: ec.EllipticCurveSignatureAlgorithm) -> bytes:
        from pkcs11 import Mechanism

        algorithm = getattr(signature_algorithm, "algorithm", None)
        if not isinstance(algorithm, hashes.SHA256):
            raise HsmFailed(f"only ECDSA with SHA-256 is offered, not {algorithm!r}")
        digest = hashes.Hash(hashes.SHA256())
        digest.update(data)
        raw = self.token.sign(self.label, digest.finalize(), Mechanism.ECDSA)
        half = len(raw) // 2
        return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._public

    @property
    def curve(self) -> ec.EllipticCurve:
        return self._public.curve

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def exchange(self, algorithm, peer_public_key):
        raise TypeError("a CA key on a token only signs")

    def private_numbers(self):
        raise TypeError("a key on a token cannot be exported")

    def private_bytes(self, encoding, format, encryption_algorithm):  # noqa: A002 - cryptography's signature
        raise TypeError("a key on a token cannot be exported")

    def __copy__(self) -> TokenEcKey:
        return self

    def __deepcopy__(self, memo) -> TokenEcKey:
        return self


class TokenRsaKey(rsa.RSAPrivateKey):
    """An RSA key on the token: PKCS#1 v1.5 with SHA-256 (CKM_SHA256_RSA_PKCS), as RS256 signs."""

    def __init__(self, token: Token, label: str, public: rsa.RSAPublicKey) -> None:
        self.token, self.label, self._public = token, label, public

    def sign(self, data: bytes, padding_: padding.AsymmetricPadding, algorithm) -> bytes:
        from pkcs11 import Mechanism

        if not isinstance(padding_, padding.PKCS1v15) or not isinstance(algorithm, hashes.SHA256):
            raise HsmFailed("only RSA PKCS#1 v1.5 with SHA-256 is offered")
        return self.token.sign(self.label, data, Mechanism.SHA256_RSA_PKCS)

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def decrypt(self, ciphertext, padding_):
        raise TypeError("an ID-token key on a token only signs")

    def private_numbers(self):
        raise TypeError("a key on a token cannot be exported")

    def private_bytes(self, encoding, format, encryption_algorithm):  # noqa: A002 - cryptography's signature
        raise TypeError("a key on a token cannot be exported")

    def __copy__(self) -> TokenRsaKey:
        return self

    def __deepcopy__(self, memo) -> TokenRsaKey:
        return self


def ca_key(ca_dir: Path, role: str, key_file: str, public: ec.EllipticCurvePublicKey) -> ec.EllipticCurvePrivateKey:
    """The private key of the CA ``role`` in ``ca_dir``: on the configured token, else the PEM ``key_file``.

    ``public`` is the key in the CA's certificate: a token key is used through it (the token is not opened)."""
    from cryptography.hazmat.primitives import serialization

    config = load_config(ca_dir)
    if config is not None and role in config.keys:
        return TokenEcKey(token_for(config), config.keys[role], public)
    key = serialization.load_pem_private_key((Path(ca_dir) / key_file).read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_file} must hold an EC key")
    return key


def token_rsa_key(config: TokenConfig, label: str, public: rsa.RSAPublicKey) -> TokenRsaKey:
    return TokenRsaKey(token_for(config), label, public)


# --- is every key usable? (the start check, /health/ready) ---


def check_keys(ca_dir: Path) -> None:
    """Sign a probe with every CA key and verify it with the CA's certificate, and with every ID-token key on the
    token (ZORGID_HOME/oidc/*.pkcs11, pki/token_ca.py) and its public key; raise the first error."""
    from cryptography import x509

    from .ca import CA_KEY_FILES

    config = load_config(ca_dir)
    for role, (cert_file, key_file) in CA_KEY_FILES.items():
        cert_path = Path(ca_dir) / cert_file
        if not cert_path.exists():
            if config is not None and role in config.keys:
                raise CaConfigInvalid(f"{cert_file} is missing")
            continue  # made on first need (the smartcard CA)
        try:
            public = x509.load_pem_x509_certificate(cert_path.read_bytes()).public_key()
            key = ca_key(ca_dir, role, key_file, public)
        except (OSError, ValueError) as exc:
            raise CaConfigInvalid(f"{role}: {type(exc).__name__}") from exc
        signature = key.sign(PROBE, ec.ECDSA(hashes.SHA256()))
        try:
            public.verify(signature, PROBE, ec.ECDSA(hashes.SHA256()))
        except Exception as exc:  # noqa: BLE001 - a key that does not match its certificate
            raise CaConfigInvalid(f"{role}: the key does not match {cert_file}") from exc
    if config is not None:
        _check_id_token_keys(config, Path(ca_dir).parent / "oidc")


def _check_id_token_keys(config: TokenConfig, oidc_dir: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    for reference in sorted(oidc_dir.glob("*.pkcs11")):
        try:
            data = json.loads(reference.read_text())
            public = serialization.load_pem_public_key(data["public_key"].encode())
            label = str(data["label"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CaConfigInvalid(f"{reference.name}: {type(exc).__name__}") from exc
        if not isinstance(public, rsa.RSAPublicKey):
            raise CaConfigInvalid(f"{reference.name}: not an RSA key")
        signature = token_rsa_key(config, label, public).sign(PROBE, padding.PKCS1v15(), hashes.SHA256())
        try:
            public.verify(signature, PROBE, padding.PKCS1v15(), hashes.SHA256())
        except Exception as exc:  # noqa: BLE001 - a key that does not match its reference
            raise CaConfigInvalid(f"{label}: the key does not match {reference.name}") from exc


_checked: dict[Path, tuple[float, str | None]] = {}
_checked_lock = threading.Lock()


def signing_keys_usable(ca_dir: Path | None = None) -> str | None:
    """None when every CA key of this installation signs, else the error code (ZID-HSM-PIN, …). Cheap to call
    every second: the answer is kept for CHECK_SECONDS per process. For /health/ready."""
    if ca_dir is None:
        from django.conf import settings

        ca_dir = Path(settings.ZORGID_HOME) / "ca"
    now = time.monotonic()
    with _checked_lock:
        found = _checked.get(ca_dir)
        if found is not None and now - found[0] < CHECK_SECONDS:
            return found[1]
    try:
        check_keys(ca_dir)
        code = None
    except ZorgidError as error:
        code = error.code
    with _checked_lock:
        _checked[ca_dir] = (now, code)
    return code


def check_in_child(ca_dir: Path, timeout: float = 60) -> None:
    """:func:`check_keys` in a process of its own, so that the caller (gunicorn's master, before it forks its
    workers) never opens the token; raise the child's error."""
    if load_config(ca_dir) is None:
        return
    try:
        done = subprocess.run([sys.executable, "-m", "zorgid.pki.signing_keys", str(ca_dir)], capture_output=True,
                              text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HsmFailed(f"key check: {type(exc).__name__}") from exc
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise HsmFailed(f"key check exit {done.returncode}: {done.stderr.strip()[-300:]}") from None
    if "error" in answer:
        raise ZorgidError.from_dict(answer)


def _main(argv: list[str]) -> int:
    try:
        check_keys(Path(argv[0]))
    except ZorgidError as error:
        print(json.dumps(error.as_dict()))
        return 1
    print(json.dumps({"ok": True}))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
