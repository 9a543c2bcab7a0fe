"""Errors of the developer tools (R-ERR): one code per input that can be wrong, so a script can tell them apart.

They share the protocol's error base class, so ``zorgid dev …`` reports them like every other zorgid
command: a stable code, a Dutch cause and a solution. ``status`` has no HTTP meaning here.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError


class DevError(ZorgidError):
    """Grouping class of the developer tools' errors (no code of its own)."""

    status = 400


class CardTypeInvalid(DevError):
    code = "ZID-DEV-CARD-TYPE"
    cause_nl = "Het pastype is onbekend. Een test-UZI-pas is van type Z, N of M."
    cause_en = "Unknown card type. A test UZI card is of type Z, N or M."
    solution_nl = "Kies Z (zorgverlenerpas), N (medewerkerpas op naam) of M (medewerkerpas niet op naam)."
    solution_en = "Choose Z (care provider card), N (named employee card) or M (unnamed employee card)."


class NameInvalid(DevError):
    code = "ZID-DEV-NAME"
    cause_nl = (
        "De naam ontbreekt of is onvolledig (pastype Z en N hebben een voornaam en een achternaam), is te lang "
        "(meer dan 64 tekens) of bevat stuurtekens."
    )
    cause_en = (
        "The name is missing or incomplete (card types Z and N have a given name and a surname), too long "
        "(over 64 characters) or holds control characters."
    )
    solution_nl = (
        "Geef bij pastype Z en N de volledige naam met voornaam en achternaam (bijvoorbeeld \"Jan de Vries\"), "
        "of --given-name en --surname; bij pastype M de functienaam (bijvoorbeeld \"Baliemedewerker\")."
    )
    solution_en = (
        "For card types Z and N give the full name with given name and surname (e.g. \"Jan de Vries\"), or "
        "--given-name and --surname; for card type M the function (e.g. \"Baliemedewerker\")."
    )


class UziNumberInvalid(DevError):
    code = "ZID-DEV-UZI-NUMBER"
    cause_nl = "Het UZI-nummer bestaat niet uit precies 9 cijfers."
    cause_en = "The UZI number does not consist of exactly 9 digits."
    solution_nl = "Geef een UZI-nummer van 9 cijfers, bijvoorbeeld 900016528."
    solution_en = "Give a UZI number of 9 digits, for example 900016528."


class UraInvalid(DevError):
    code = "ZID-DEV-URA"
    cause_nl = "Het URA-nummer (abonneenummer van de organisatie) bestaat niet uit precies 8 cijfers."
    cause_en = "The URA (the organisation's subscriber number) does not consist of exactly 8 digits."
    solution_nl = "Geef een URA-nummer van 8 cijfers, bijvoorbeeld 90000382."
    solution_en = "Give a URA of 8 digits, for example 90000382."


class AgbInvalid(DevError):
    code = "ZID-DEV-AGB"
    cause_nl = "De AGB-code bestaat niet uit precies 8 cijfers."
    cause_en = "The AGB code does not consist of exactly 8 digits."
    solution_nl = "Geef een AGB-code van 8 cijfers, of laat --agb weg (dan 00000000: geen AGB-code)."
    solution_en = "Give an AGB code of 8 digits, or leave --agb out (then 00000000: no AGB code)."


class RoleInvalid(DevError):
    code = "ZID-DEV-ROLE"
    cause_nl = (
        "De rolcode is ongeldig. Een zorgverlenerpas (Z) heeft een rolcode <beroep>.<specialisme> van een bekend "
        "beroep, zoals 01.015 (huisarts); pastype N en M hebben altijd 00.000."
    )
    cause_en = (
        "The role code is invalid. A care provider card (Z) has a role code <profession>.<specialism> of a known "
        "profession, such as 01.015 (GP); card types N and M always have 00.000."
    )
    solution_nl = "Geef een rolcode als 01.015 of 17.075 bij pastype Z, en laat --role weg bij N en M."
    solution_en = "Give a role code such as 01.015 or 17.075 for card type Z, and leave --role out for N and M."


class OrganisationInvalid(DevError):
    code = "ZID-DEV-ORGANISATION"
    cause_nl = "De naam van de organisatie is leeg, te lang (meer dan 64 tekens) of bevat stuurtekens."
    cause_en = "The organisation's name is empty, too long (over 64 characters) or holds control characters."
    solution_nl = "Geef de naam van de zorginstelling zoals die in het UZI-register staat, of laat --organisation weg."
    solution_en = "Give the care organisation's name as registered, or leave --organisation out."


class PinInvalid(DevError):
    code = "ZID-DEV-PIN"
    cause_nl = "De beveiligingscode van een UZI-pas bestaat uit 6 tot 8 cijfers of letters."
    cause_en = "The security code of a UZI card consists of 6 to 8 digits or letters."
    solution_nl = "Kies een beveiligingscode van 6 tot 8 cijfers of letters (a-z, A-Z, 0-9), bijvoorbeeld 123456."
    solution_en = "Choose a security code of 6 to 8 digits or letters (a-z, A-Z, 0-9), for example 123456."


class LabelInvalid(DevError):
    code = "ZID-DEV-LABEL"
    cause_nl = "Het label van de token is leeg, langer dan 32 tekens of bevat andere tekens dan gewone ASCII."
    cause_en = "The token label is empty, longer than 32 characters or holds characters other than plain ASCII."
    solution_nl = "Kies een label van hoogstens 32 gewone tekens, of laat --label weg (dan \"UZI-pas <UZI-nummer>\")."
    solution_en = "Choose a label of at most 32 plain characters, or leave --label out (then \"UZI-pas <UZI number>\")."


class TokenExists(DevError):
    code = "ZID-DEV-TOKEN-EXISTS"
    cause_nl = "In deze tokenmap bestaat al een token met dit label."
    cause_en = "A token with this label already exists in this token directory."
    solution_nl = "Kies met --label een ander label, of met --token-dir een andere tokenmap."
    solution_en = "Choose another label with --label, or another token directory with --token-dir."


class SoftHsmFailed(DevError):
    code = "ZID-DEV-SOFTHSM"
    status = 500
    cause_nl = "SoftHSM2 kon de token niet maken of vullen."
    cause_en = "SoftHSM2 could not make or fill the token."
    solution_nl = (
        "Controleer dat SoftHSM2 is geïnstalleerd (Debian: apt-get install softhsm2) en dat de tokenmap "
        "schrijfbaar is. De details hieronder zeggen wat SoftHSM2 meldde."
    )
    solution_en = (
        "Check that SoftHSM2 is installed (Debian: apt-get install softhsm2) and that the token directory is "
        "writable. The details below say what SoftHSM2 reported."
    )


class FileExists(DevError):
    code = "ZID-DEV-FILE-EXISTS"
    cause_nl = "Een bestand dat gemaakt moet worden bestaat al; het wordt niet overschreven."
    cause_en = "A file to be made already exists; it is not overwritten."
    solution_nl = "Kies met --out een andere (lege) map, of verwijder de oude bestanden."
    solution_en = "Choose another (empty) directory with --out, or delete the old files."


class ServerNameInvalid(DevError):
    code = "ZID-DEV-SERVER-NAME"
    cause_nl = "De servernaam is leeg, te lang (meer dan 64 tekens) of bevat stuurtekens of spaties aan de randen."
    cause_en = "The server name is empty, too long (over 64 characters) or holds control characters or edge spaces."
    solution_nl = "Geef de volledige domeinnaam van de server (bijvoorbeeld portaal.zorginstelling.nl) of een naam."
    solution_en = "Give the server's fully qualified domain name (e.g. portaal.zorginstelling.nl) or a name."


class UziCaUnusable(DevError):
    code = "ZID-DEV-TEST-CA"
    status = 500
    cause_nl = "De test-UZI-CA kon niet worden gemaakt of gelezen."
    cause_en = "The test UZI CA could not be made or read."
    solution_nl = (
        "Controleer dat de CA-map (--ca-dir) schrijfbaar is en niet beschadigd. Een beschadigde test-CA mag "
        "u weggooien: bij het volgende gebruik wordt een nieuwe gemaakt (oude test-passen worden dan niet meer "
        "vertrouwd)."
    )
    solution_en = (
        "Check that the CA directory (--ca-dir) is writable and not damaged. A damaged test CA may be deleted: a "
        "new one is made on next use (old test cards are then no longer trusted)."
    )


class PlaceInvalid(DevError):
    code = "ZID-DEV-PLACE"
    cause_nl = "De provincie of plaats is leeg, te lang (meer dan 64 tekens) of bevat stuurtekens."
    cause_en = "The province or locality is empty, too long (over 64 characters) or holds control characters."
    solution_nl = "Geef de provincie en plaats van de organisatie (bijvoorbeeld Zuid-Holland, Den Haag) of laat ze weg."
    solution_en = "Give the organisation's province and locality (e.g. Zuid-Holland, Den Haag) or leave them out."
