"""``zorgid-validatietool``: complete, sign, check and send back the organisation XML (R-FLOW-APPLY step 2).

The technisch beheerder's counterpart of the scheme's Validatietool (docs/validatietool.md; manual:
docs/validatietool.md). ``verify`` makes exactly the checks of the server that need no application
record (zorgid.orgdoc.verify_document), so a document that passes it fails at the server only for not
matching the application. Exit status: 0 done, 1 a refusal or error (``Fout <code>: <oorzaak>`` and
``Oplossing: …`` on stderr), 2 wrong use (click's own). No traceback is ever shown.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zorgid import orgdoc
from zorgid.orgdoc.errors import FieldInvalid, ReferenceMismatch, SchemaInvalid
from zorgid.orgdoc.pkcs11_key import DEFAULT_MODULE
from zorgid.orgdoc.signature_checks import find_signature
from zorgid.pki.uzi import CrlCache, default_trust_dir, load_trust_store
from zorgid.protocol.errors import Detail

from ..terminal import (
    BadOption,
    DutchCommand,
    LanguageOption,
    ReportingGroup,
    choose_language,
    file_problem,
    printable,
    report,
    run,
    tr,
)
from .errors import FileUnusable
from .files import STDOUT_NAME, default_output, read_document, write_document
from .keys import KeyChoice, signing_material
from .server import ValidatietoolServerClient

EXIT_CODES = "Afsluitcodes: 0 gelukt, 1 geweigerd of fout (met code en oplossing), 2 verkeerd gebruik."
MODULE_ENV = "ZORGID_PKCS11_MODULE"


class Omgeving(StrEnum):
    acceptatie = "acceptatie"
    productie = "productie"


# How `submit` reaches a server; tests and embedders may replace it.
server_factory = ValidatietoolServerClient

app = typer.Typer(
    cls=ReportingGroup,
    help="ZORG-ID Validatietool: vul het organisatiedocument (XML) aan, onderteken het met het UZI-servercertificaat "
         "van uw organisatie, controleer het en stuur het terug. Handleiding: docs/validatietool.md. " + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _options(lang: LanguageOption = None) -> None:
    """ZORG-ID Validatietool: vul het organisatiedocument aan, onderteken, controleer en verstuur het."""
    choose_language(lang)


FileArgument = Annotated[Path, typer.Argument(metavar="BESTAND", help="Het XML-document.", dir_okay=False,
                                              show_default=False)]


def _output(help_text: str):
    return typer.Option("-o", "--output", help=help_text, dir_okay=False, show_default=False)


def _field(option: str, help_text: str):
    return typer.Option(option, help=help_text, show_default=False)


@app.command("fill", cls=DutchCommand, epilog=EXIT_CODES)
def fill_command(
    file: FileArgument,
    output: Annotated[Path | None, _output("Uitvoerbestand; standaard <naam>-ingevuld.xml naast BESTAND; - is de "
                                           "standaarduitvoer.")] = None,
    referentie: Annotated[str | None, _field("--referentie", "Referentie van de aanvraag (ZID-2026-ABCD2345); "
                                             "alleen als die nog leeg is.")] = None,
    organisatie: Annotated[str | None, _field("--organisatie", "Naam van de organisatie.")] = None,
    ura: Annotated[str | None, _field("--ura", "URA-nummer (8 cijfers); alleen als het nog leeg is.")] = None,
    kvk: Annotated[str | None, _field("--kvk", "KvK-nummer (8 cijfers).")] = None,
    straat: Annotated[str | None, _field("--straat", "Straat van het adres van de organisatie.")] = None,
    huisnummer: Annotated[str | None, _field("--huisnummer", "Huisnummer met toevoeging (12, 12a, 12-3).")] = None,
    postcode: Annotated[str | None, _field("--postcode", "Postcode (1234 AB).")] = None,
    plaats: Annotated[str | None, _field("--plaats", "Plaats.")] = None,
    naam: Annotated[str | None, _field("--naam", "Uw naam, als technisch beheerder.")] = None,
    email: Annotated[str | None, _field("--email", "Uw e-mailadres.")] = None,
    telefoon: Annotated[str | None, _field("--telefoon", "Uw telefoonnummer (0612345678 of +31612345678).")] = None,
) -> None:
    """Vul het organisatiedocument aan: gegevens die nog leeg zijn, of die u wilt verbeteren.

    Referentie en URA-nummer liggen vast zodra ze zijn ingevuld. Ontbreekt er daarna nog iets, dan wordt er in een
    terminal om gevraagd; anders wordt het document bewaard en meldt de tool wat ontbreekt (afsluitcode 1)."""
    given = {"reference": referentie, "name": organisatie, "ura": ura, "kvk": kvk, "street": straat,
             "house_number": huisnummer, "postcode": postcode, "city": plaats, "tb_name": naam, "tb_email": email,
             "tb_phone": telefoon}
    filled = orgdoc.fill(read_document(file), **given)
    if sys.stdin.isatty():
        filled = _ask_missing(filled)
    where = write_document(output or default_output(file, "ingevuld"), filled)
    to_stderr = where == STDOUT_NAME
    typer.echo(f"{tr('Opgeslagen', 'Saved')}: {_where(where)}", err=to_stderr)
    orgdoc.require_complete(orgdoc.read_draft(filled))
    typer.echo(tr("Het document is volledig. Onderteken het nu met: zorgid-validatietool sign",
                  "The document is complete. Now sign it with: zorgid-validatietool sign"), err=to_stderr)


def _ask_missing(filled: bytes, attempts: int = 3) -> bytes:
    """In a terminal: ask for each empty field; an empty answer leaves it, a wrong one is asked again."""
    for field in orgdoc.read_draft(filled).missing():
        for _ in range(attempts):
            answer = typer.prompt(f"{field.label} ({field.option})", default="", show_default=False).strip()
            if not answer:
                break
            try:
                filled = orgdoc.fill(filled, **{field.attribute: answer})
                break
            except FieldInvalid as err:
                report(err)
    return filled


@app.command("sign", cls=DutchCommand, epilog=EXIT_CODES)
def sign_command(
    file: FileArgument,
    cert: Annotated[Path | None, typer.Option("--cert", dir_okay=False, show_default=False, help=(
        "Het UZI-servercertificaat (PEM of DER; een PEM-bestand mag de keten erachter bevatten). Nodig bij --key; "
        "bij een token alleen als het certificaat niet op de token staat."))] = None,
    key: Annotated[Path | None, typer.Option("--key", dir_okay=False, show_default=False,
                                             help="De private sleutel (PEM), met --cert.")] = None,
    pkcs12: Annotated[Path | None, typer.Option("--pkcs12", dir_okay=False, show_default=False, help=(
        "Sleutel en certificaat in één PKCS#12-bestand (.p12, .pfx)."))] = None,
    password: Annotated[str | None, typer.Option("--password", envvar="ZORGID_KEY_PASSWORD", show_default=False, help=(
        "Wachtwoord van het PKCS#12-bestand of de versleutelde PEM-sleutel (of ZORGID_KEY_PASSWORD); zonder: er "
        "wordt om gevraagd."))] = None,
    pkcs11_module: Annotated[str | None, typer.Option("--pkcs11-module", envvar=MODULE_ENV, show_default=False, help=(
        f"Pad naar de PKCS#11-module van token, smartcard of HSM (of {MODULE_ENV}), bijvoorbeeld de module van "
        f"OpenSC of {DEFAULT_MODULE} (SoftHSM2)."))] = None,
    token_label: Annotated[str | None, typer.Option("--token-label", show_default=False,
                                                    help="Label van de token met de sleutel.")] = None,
    pin: Annotated[str | None, typer.Option("--pin", envvar="ZORGID_TOKEN_PIN", show_default=False, help=(
        "Pincode van de token (of ZORGID_TOKEN_PIN); zonder: er wordt om gevraagd."))] = None,
    key_label: Annotated[str | None, typer.Option("--key-label", show_default=False, help=(
        "Label van de private sleutel op de token; nodig als er meer dan één sleutel op staat."))] = None,
    key_id: Annotated[str | None, typer.Option("--key-id", show_default=False, help=(
        "CKA_ID van de private sleutel op de token, hexadecimaal (01, a1:b2)."))] = None,
    include_chain: Annotated[bool, typer.Option("--include-chain", help=(
        "Neem ook de CA-certificaten uit het PEM- of PKCS#12-bestand op in de handtekening."))] = False,
    algorithm: Annotated[str | None, typer.Option("--algorithm", show_default=False, help=(
        "Handtekeningalgoritme: " + ", ".join(orgdoc.ALGORITHMS) + "; standaard rsa-sha256 (ecdsa-sha256 bij "
        "een EC-sleutel)."))] = None,
    output: Annotated[Path | None, _output("Uitvoerbestand; standaard <naam>-ondertekend.xml naast BESTAND; - is "
                                           "de standaarduitvoer.")] = None,
) -> None:
    """Onderteken het volledige document met de private sleutel van het UZI-servercertificaat van uw organisatie.

    De handtekening is een enveloped XML-handtekening (RSA-SHA256, of sterker) met het certificaat erin."""
    if algorithm is not None and algorithm not in orgdoc.ALGORITHMS:
        raise BadOption(tr(f"kies uit {', '.join(orgdoc.ALGORITHMS)}",
                                    f"choose from {', '.join(orgdoc.ALGORITHMS)}"), param_hint="--algorithm")
    choice = KeyChoice(cert, key, pkcs12, password, pkcs11_module, token_label, pin, key_label, key_id)
    data = read_document(file)
    with signing_material(choice) as material:
        chain = material.chain if include_chain else ()
        signed = orgdoc.sign(data, material.key, material.certificate, chain, algorithm=algorithm)
    where = write_document(output or default_output(file, "ondertekend"), signed)
    to_stderr = where == STDOUT_NAME
    subject = material.certificate.subject.rfc4514_string()
    typer.echo(tr(f"Ondertekend met {printable(subject)}. Opgeslagen: {_where(where)}",
                  f"Signed with {printable(subject)}. Saved: {_where(where)}"), err=to_stderr)
    typer.echo(tr("Controleer het met: zorgid-validatietool verify, en stuur het daarna terug.",
                  "Check it with: zorgid-validatietool verify, then send it back."), err=to_stderr)


@app.command("verify", cls=DutchCommand, epilog=EXIT_CODES)
def verify_command(
    file: FileArgument,
    environment: Annotated[Omgeving, typer.Option("--environment", envvar="ZORGID_ENVIRONMENT", help=(
        "De ZORG-ID-omgeving waarvoor het document is (of ZORGID_ENVIRONMENT): productie vertrouwt echte "
        "UZI-servercertificaten, acceptatie test-certificaten."))] = Omgeving.productie,
    trust_dir: Annotated[Path | None, typer.Option("--trust-dir", file_okay=False, show_default=False, help=(
        "Map met vertrouwde UZI-CA-certificaten (PEM/DER); standaard de lijst die met zorgid meekomt voor "
        "--environment."))] = None,
    crl: Annotated[list[Path] | None, typer.Option("--crl", dir_okay=False, show_default=False, help=(
        "Intrekkingslijst (CRL) van de UZI-CA om mee te controleren; mag vaker."))] = None,
) -> None:
    """Controleer een ondertekend document zoals de server het doet, vóór u het verstuurt.

    Alles behalve de vergelijking met uw aanvraag: vorm, schema, handtekening, algoritmen, het UZI-servercertificaat
    (pastype S, vertrouwd, geldig, niet ingetrokken) en het URA-nummer. Afsluitcode 0 alleen als alles klopt."""
    store = load_trust_store(trust_dir or default_trust_dir(environment.value), environment.value)
    crls = CrlCache()
    for path in crl or ():
        crls.add(_read_small(path))
    verified = orgdoc.verify_document(read_document(file), store, dt.datetime.now(dt.UTC), crls=crls)
    doc, signer = verified.document, verified.signer
    typer.echo(tr(f"Geldig: {printable(doc.name)} (URA {doc.ura}, KvK {doc.kvk}), referentie {doc.reference}.",
                  f"Valid: {printable(doc.name)} (URA {doc.ura}, KvK {doc.kvk}), reference {doc.reference}."))
    typer.echo(tr(f"Ondertekend met UZI-servercertificaat {printable(signer.common_name)} (UZI-nummer "
                  f"{signer.uzi_number}), geldig tot {signer.not_valid_after:%d-%m-%Y}.",
                  f"Signed with UZI server certificate {printable(signer.common_name)} (UZI number "
                  f"{signer.uzi_number}), valid until {signer.not_valid_after:%d-%m-%Y}."))


@app.command("submit", cls=DutchCommand, epilog=EXIT_CODES)
def submit_command(
    file: FileArgument,
    server: Annotated[str, typer.Option("--server", envvar="ZORGID_SERVER", show_default=False, help=(
        "Adres van het ZORG-ID-portaal (of ZORGID_SERVER), bijvoorbeeld https://portaal.zorgid.example."))],
    reference: Annotated[str | None, typer.Option("--reference", show_default=False, help=(
        "Referentie van uw aanvraag (uit de bevestigingsmail); standaard die in het document."))] = None,
) -> None:
    """Stuur het ondertekende document naar de server, bij de aanvraag met deze referentie.

    Het kan ook als antwoord op de bevestigingsmail (met het document als bijlage) of via de portaalpagina."""
    data = read_document(file)
    in_document = _reference_of(data)
    if reference is not None and reference.strip().upper() != in_document:
        raise ReferenceMismatch(f"document {in_document}, --reference {reference.strip()[:40]}")
    with server_factory(server) as client:
        answer = client.submit_document(in_document, data)
    typer.echo(tr(f"Ontvangen door de server: referentie {printable(answer['reference'])}, status "
                  f"{printable(answer['state'])}.",
                  f"Received by the server: reference {printable(answer['reference'])}, state "
                  f"{printable(answer['state'])}."))


def _reference_of(data: bytes) -> str:
    """The reference of a signed document, read before sending it (the server checks the rest)."""
    root = orgdoc.parse_untrusted(data)
    find_signature(root)
    found = root.findtext(f"{{{orgdoc.NAMESPACE}}}Referentie")
    if not orgdoc.is_reference(found):
        raise SchemaInvalid(Detail("het document heeft geen geldige <Referentie>",
                                   "the document has no valid <Referentie>"))
    return found


def _read_small(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise FileUnusable(file_problem(f"kan {path} niet lezen", f"cannot read {path}", exc)) from exc


def _where(where: str) -> str:
    """Where a result went: a path, or standard output (files.write_document)."""
    return tr("standaarduitvoer", "standard output") if where == STDOUT_NAME else where


def main() -> None:
    run(app, "zorgid-validatietool")


if __name__ == "__main__":
    main()

