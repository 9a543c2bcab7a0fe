"""Which key ``zorgid-validatietool sign`` uses: PEM files, a PKCS#12 file or a PKCS#11 token (R-CRED-UZISERVER).

Exactly one of the three must be chosen; anything else is a usage error (exit status 2), said in the language of
the run (``BadOption``, a ``typer.BadParameter``: typer carries its own copy of click, so click's own exceptions are
not its usage errors).
A password or PIN comes from its option, its environment variable, or, in a terminal, a hidden prompt;
never from a file the tool writes, and it is never printed.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import typer

from zorgid.orgdoc import SigningMaterial, load_pem_files, load_pkcs12_file
from zorgid.orgdoc.pkcs11_key import open_token_key
from zorgid.orgdoc.signing import load_certificate_file

from ..terminal import BadOption, tr
from .errors import SecretMissing

KEY_OPTIONS = "--cert/--key, --pkcs12, --token-label"
CHOOSE_ONE = ("Kies precies één sleutel: --cert met --key (PEM), --pkcs12 (PKCS#12), of --pkcs11-module met "
              "--token-label (token, smartcard of HSM).",
              "Choose exactly one key: --cert with --key (PEM), --pkcs12 (PKCS#12), or --pkcs11-module with "
              "--token-label (token, smartcard or HSM).")


@dataclass(frozen=True)
class KeyChoice:
    """The key options of ``sign`` as given on the command line."""

    cert: Path | None = None
    key: Path | None = None
    pkcs12: Path | None = None
    password: str | None = None
    pkcs11_module: str | None = None
    token_label: str | None = None
    pin: str | None = None
    key_label: str | None = None
    key_id: str | None = None


@contextlib.contextmanager
def signing_material(choice: KeyChoice) -> Iterator[SigningMaterial]:
    """The key, certificate and chain of the chosen source; a token session stays open until the end."""
    sources = [choice.key is not None, choice.pkcs12 is not None, choice.token_label is not None]
    if sum(sources) != 1:
        raise BadOption(tr(*CHOOSE_ONE), param_hint=KEY_OPTIONS)
    if choice.key is not None:
        if choice.cert is None:
            raise BadOption(tr("--key heeft --cert nodig: het certificaat bij de sleutel.",
                                        "--key needs --cert: the certificate of the key."), param_hint="--cert")
        yield load_pem_files(choice.cert, choice.key, _pem_password(choice))
    elif choice.pkcs12 is not None:
        yield load_pkcs12_file(choice.pkcs12, _secret(choice.password, tr("Wachtwoord van het PKCS#12-bestand",
                                                                          "Password of the PKCS#12 file"), True))
    else:
        with _token(choice) as material:
            yield material


@contextlib.contextmanager
def _token(choice: KeyChoice) -> Iterator[SigningMaterial]:
    if not choice.pkcs11_module:
        raise BadOption(tr("--token-label heeft --pkcs11-module nodig: het pad naar de PKCS#11-module.",
                                    "--token-label needs --pkcs11-module: the path of the PKCS#11 module."),
                                 param_hint="--pkcs11-module")
    key_id = _key_id(choice.key_id)
    certificate = load_certificate_file(choice.cert) if choice.cert is not None else None
    pin = _secret(choice.pin, tr(f"Pincode van token {choice.token_label}", f"PIN of token {choice.token_label}"),
                  False)
    with open_token_key(choice.pkcs11_module, choice.token_label, pin, key_label=choice.key_label, key_id=key_id,
                        certificate=certificate) as material:
        yield material


def _pem_password(choice: KeyChoice) -> str | None:
    """Ask for a password only when the PEM key is encrypted and none was given."""
    try:
        encrypted = b"ENCRYPTED" in Path(choice.key).read_bytes()[:4096]
    except OSError:
        encrypted = False  # the loader reports the unreadable file with its own code
    if not encrypted:
        return choice.password
    return _secret(choice.password, tr("Wachtwoord van de private sleutel", "Password of the private key"), True)


def _secret(given: str | None, prompt: str, may_be_empty: bool) -> str | None:
    """The given secret, else a hidden prompt in a terminal; without a terminal None (if allowed) or SecretMissing."""
    if given is not None:
        return given
    if not sys.stdin.isatty():
        if may_be_empty:
            return None
        raise SecretMissing(prompt)
    try:
        return typer.prompt(prompt, hide_input=True)
    except (typer.Abort, EOFError):
        raise SecretMissing(prompt) from None


def _key_id(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        return bytes.fromhex(text.replace(":", ""))
    except ValueError:
        raise BadOption(tr(f"moet hexadecimaal zijn (bijvoorbeeld 01 of a1:b2), niet {text!r}.",
                                    f"must be hexadecimal (for instance 01 or a1:b2), not {text!r}."),
                                 param_hint="--key-id") from None
