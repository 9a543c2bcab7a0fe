"""``zorgid uzi show`` and ``zorgid uzi verify``: UZI certificates for IT staff (R-CRED-UZI).

No Django here: the commands read files and the trust store directory only, so they work on any machine
with the package installed. Mounted in the main CLI as ``app.add_typer(uzi_app, name="uzi")``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from zorgid import clock, config

from .attributes import UziAttributes, load_certificate, read_uzi_certificate
from .errors import UziCertificateUnreadable, UziCrlUnusable, UziError
from .loading import MAX_BUNDLE_BYTES
from .othername import ZORGID_SMARTCARD, is_zorgid_smartcard
from .revocation import MAX_CRL_BYTES, CrlCache
from .truststore import default_trust_dir, load_trust_store
from .validation import validate_uzi_certificate

uzi_app = typer.Typer(help="UZI-certificaten (UZI-pas en UZI-servercertificaat) lezen en controleren.",
                      no_args_is_help=True)

SHOW_KEYS = ("uzi_number", "card_type", "ura", "role", "agb", "ca_oid", "given_name", "surname", "common_name",
             "organisation", "role_name", "title", "version", "upn")


def attributes_json(attributes: UziAttributes) -> str:
    """The attributes as JSON, keys in the documented order (README.md, docs/uzi.md); a ZORG-ID Smartcard's
    certificate ends with ``"card": "ZORG-ID Smartcard"`` (it is no UZI-pas, though read the same way)."""
    shown: dict[str, str | None] = {key: getattr(attributes, key) for key in SHOW_KEYS}
    if is_zorgid_smartcard(attributes.ca_oid):
        shown["card"] = ZORGID_SMARTCARD
    return json.dumps(shown, ensure_ascii=False, indent=2)


def _read_file(path: Path, error: type[UziError] = UziCertificateUnreadable, limit: int = MAX_BUNDLE_BYTES) -> bytes:
    try:
        if path.stat().st_size > limit:
            raise error(f"{path} is larger than {limit} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}") from exc


def _refusal(error: UziError) -> str:
    lines = [f"Fout {error.code}: {error.cause('nl')}", f"Oplossing: {error.solution('nl')}"]
    if error.detail:
        lines.append(f"Detail: {error.detail}")
    return "\n".join(lines)


def _moment(text: str | None) -> dt.datetime:
    """``--at dd-mm-jjjj`` as the start of that day (00:00 UTC); without it, now."""
    if text is None:
        return clock.now()
    try:
        day = clock.parse_date(text)
    except ValueError:
        raise typer.BadParameter("gebruik dd-mm-jjjj, bijvoorbeeld 01-01-2019", param_hint="--at") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


@uzi_app.command("show")
def show(
    file: Path = typer.Argument(..., help="Het certificaatbestand: PEM of DER (.cer, .crt, .pem).",
                                dir_okay=False),
) -> None:
    """Toon de UZI-gegevens van een certificaat als JSON (zonder te controleren of het vertrouwd is)."""
    try:
        attributes = read_uzi_certificate(load_certificate(_read_file(file)))
    except UziError as error:
        typer.echo(_refusal(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(attributes_json(attributes))


@uzi_app.command("verify")
def verify(
    file: Path = typer.Argument(..., help="Het certificaatbestand: PEM of DER (.cer, .crt, .pem).",
                                dir_okay=False),
    at: str | None = typer.Option(None, "--at", metavar="dd-mm-jjjj",
                                  help="Controleer op deze datum (00:00 UTC) in plaats van nu."),
    trust_dir: Path | None = typer.Option(None, "--trust-dir", file_okay=False,
                                          help="Map met vertrouwde UZI-CA-certificaten (standaard die van de "
                                               "omgeving)."),
    environment: str | None = typer.Option(None, "--environment", metavar="acceptatie|productie",
                                           help="De omgeving: bepaalt de standaardmap en de toegestane "
                                                "certificaatbeleid-OID's (standaard ZORGID_ENVIRONMENT)."),
    crl: Path | None = typer.Option(None, "--crl", dir_okay=False,
                                    help="Intrekkingslijst (CRL, PEM of DER) van de uitgevende UZI-CA."),
) -> None:
    """Controleer een authenticatiecertificaat van een UZI-pas tegen de vertrouwenslijst.

    Geeft "geldig" en de UZI-gegevens (exitstatus 0), of "ongeldig" met de foutcode, oorzaak en
    oplossing (exitstatus 1).
    """
    try:
        environment = environment or config.environment()
    except config.ConfigurationError as exc:
        raise typer.BadParameter(str(exc), param_hint="ZORGID_ENVIRONMENT") from None
    if environment not in config.ENVIRONMENTS:
        raise typer.BadParameter("kies acceptatie of productie", param_hint="--environment")
    moment = _moment(at)
    try:
        cert = load_certificate(_read_file(file))
        store = load_trust_store(trust_dir or default_trust_dir(environment), environment)
        crls = _crl_cache(crl)
        attributes = validate_uzi_certificate(cert, store, moment, crls=crls)
    except UziError as error:
        typer.echo(f"ongeldig\n{_refusal(error)}")
        raise typer.Exit(1) from None
    typer.echo(f"geldig op {moment:%d-%m-%Y %H:%M} UTC ({environment})")
    typer.echo(attributes_json(attributes))


def _crl_cache(path: Path | None) -> CrlCache | None:
    if path is None:
        return None
    cache = CrlCache()
    cache.add(_read_file(path, UziCrlUnusable, MAX_CRL_BYTES))
    return cache
