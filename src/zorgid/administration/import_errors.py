"""The errors of the bulk import of employees (``administration.importing``): of the whole file, and of one row.

A file error stops the import before any row is checked. A row's code names what is wrong with that row; the
report (``administration.import_report``) lists each refused row with its codes, and then the import as a whole
is refused with ``ImportRowsRefused``. ``ImportRowAlready`` is no refusal: that row is skipped.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError

# ------------------------------------------------------------------------------------------- the whole file


class ImportFileInvalid(ZorgidError):
    code = "ZID-IMPORT-FILE-INVALID"
    status = 400
    cause_nl = "Het importbestand is geen CSV-bestand met medewerkers in de verwachte vorm."
    cause_en = "The import file is not a CSV file of employees in the expected form."
    solution_nl = ("Gebruik een CSV-bestand met de kop voornamen;achternaam;geboortedatum en per regel één "
                   "medewerker, met de geboortedatum als dd-mm-jjjj.")
    solution_en = ("Use a CSV file with the header voornamen;achternaam;geboortedatum and one employee per line, "
                   "with the birth date as dd-mm-yyyy.")


class ImportFileTooLarge(ZorgidError):
    code = "ZID-IMPORT-TOO-LARGE"
    status = 413
    cause_nl = "Het importbestand is te groot (meer dan 20 MB of meer dan 100.000 medewerkers)."
    cause_en = "The import file is too large (more than 20 MB or more than 100,000 employees)."
    solution_nl = "Splits het bestand in delen van hoogstens 100.000 regels en importeer die een voor een."
    solution_en = "Split the file into parts of at most 100,000 lines and import them one by one."


class ImportEncodingInvalid(ZorgidError):
    code = "ZID-IMPORT-ENCODING"
    status = 400
    cause_nl = "Het importbestand is niet als UTF-8 opgeslagen."
    cause_en = "The import file is not saved as UTF-8."
    solution_nl = ("Sla het bestand op als 'CSV UTF-8 (gescheiden door lijstscheidingsteken)' en importeer "
                   "het opnieuw.")
    solution_en = "Save the file as 'CSV UTF-8 (comma delimited)' and import it again."


class ImportOrganisationUnknown(ZorgidError):
    code = "ZID-IMPORT-ORG-UNKNOWN"
    status = 404
    cause_nl = "Er is geen organisatie met dit URA."
    cause_en = "There is no organisation with this URA."
    solution_nl = "Controleer het URA (8 cijfers), of voer de organisatie eerst in met zorgid org add."
    solution_en = "Check the URA (8 digits), or enter the organisation first with zorgid org add."


class ImportRowsRefused(ZorgidError):
    code = "ZID-IMPORT-ROWS-REFUSED"
    status = 400
    cause_nl = "Regels van het importbestand zijn geweigerd; er is niets geïmporteerd."
    cause_en = "Lines of the import file were refused; nothing was imported."
    solution_nl = "Verbeter de genoemde regels (of haal ze weg) en importeer het hele bestand opnieuw."
    solution_en = "Correct (or remove) the lines named and import the whole file again."


# ------------------------------------------------------------------------------------------------ one row


class ImportRowProblem(ZorgidError):
    """What is wrong with one row (a grouping class: each subclass has its code)."""

    status = 400


class ImportRowColumns(ImportRowProblem):
    code = "ZID-IMPORT-ROW-COLUMNS"
    cause_nl = "De regel heeft niet precies drie kolommen."
    cause_en = "The line does not have exactly three columns."
    solution_nl = ("Zet op elke regel voornamen, achternaam en geboortedatum, gescheiden door ; (of ,). Staat het "
                   "scheidingsteken in een naam, zet de naam dan tussen aanhalingstekens.")
    solution_en = ("Put first names, last name and birth date on each line, separated by ; (or ,). If the "
                   "separator is part of a name, put the name in double quotes.")


class ImportRowEmpty(ImportRowProblem):
    code = "ZID-IMPORT-ROW-EMPTY"
    cause_nl = "Een veld van de regel is leeg."
    cause_en = "A field of the line is empty."
    solution_nl = "Vul voornamen, achternaam en geboortedatum in zoals in het identiteitsbewijs."
    solution_en = "Fill in first names, last name and birth date as in the identity document."


class ImportRowTooLong(ImportRowProblem):
    code = "ZID-IMPORT-ROW-TOO-LONG"
    cause_nl = "Een naam in de regel is langer dan 128 tekens."
    cause_en = "A name in the line is longer than 128 characters."
    solution_nl = "Neem de naam over zoals in het identiteitsbewijs; staat er meer in het veld, haal dat weg."
    solution_en = "Copy the name as in the identity document; remove anything else from the field."


class ImportRowControl(ImportRowProblem):
    code = "ZID-IMPORT-ROW-CONTROL"
    cause_nl = "Een naam in de regel bevat stuurtekens (onzichtbare tekens, zoals een tab of een nul-byte)."
    cause_en = "A name in the line contains control characters (invisible characters such as a tab or a NUL byte)."
    solution_nl = "Typ de naam opnieuw of haal de onzichtbare tekens weg, en sla het bestand opnieuw op."
    solution_en = "Type the name again or remove the invisible characters, and save the file again."


class ImportRowNoLetter(ImportRowProblem):
    code = "ZID-IMPORT-ROW-NO-LETTER"
    cause_nl = "Een naam in de regel bevat geen letters."
    cause_en = "A name in the line contains no letters."
    solution_nl = "Vul de naam in zoals in het identiteitsbewijs; staan de kolommen in een andere volgorde?"
    solution_en = "Fill in the name as in the identity document; are the columns in another order?"


class ImportRowDigit(ImportRowProblem):
    code = "ZID-IMPORT-ROW-DIGIT"
    cause_nl = "Een naam in de regel bevat cijfers; een naam in een identiteitsbewijs heeft geen cijfers."
    cause_en = "A name in the line contains digits; a name in an identity document has none."
    solution_nl = ("Vul de naam in zoals in het identiteitsbewijs; staan de kolommen in de goede volgorde "
                   "(voornamen;achternaam;geboortedatum)?")
    solution_en = ("Fill in the name as in the identity document; are the columns in the right order "
                   "(voornamen;achternaam;geboortedatum)?")


class ImportRowDate(ImportRowProblem):
    code = "ZID-IMPORT-ROW-DATE"
    cause_nl = "De geboortedatum is geen bestaande datum in de vorm dd-mm-jjjj."
    cause_en = "The birth date is not a real date in the form dd-mm-yyyy."
    solution_nl = ("Schrijf de geboortedatum als dd-mm-jjjj, bijvoorbeeld 05-03-1980. Een spreadsheet schrijft "
                   "datums soms anders: zet de kolom dan op tekst.")
    solution_en = ("Write the birth date as dd-mm-yyyy, for example 05-03-1980. A spreadsheet sometimes writes "
                   "dates otherwise: then format the column as text.")


class ImportRowFuture(ImportRowProblem):
    code = "ZID-IMPORT-ROW-FUTURE"
    cause_nl = "De geboortedatum ligt in de toekomst."
    cause_en = "The birth date lies in the future."
    solution_nl = "Verbeter de geboortedatum: neem die over uit het identiteitsbewijs."
    solution_en = "Correct the birth date: copy it from the identity document."


class ImportRowAge(ImportRowProblem):
    code = "ZID-IMPORT-ROW-AGE"
    cause_nl = "De geboortedatum geeft een onwaarschijnlijke leeftijd (jonger dan 12 of ouder dan 120 jaar)."
    cause_en = "The birth date gives an implausible age (younger than 12 or older than 120 years)."
    solution_nl = "Verbeter de geboortedatum: is het jaar goed (vier cijfers)?"
    solution_en = "Correct the birth date: is the year right (four digits)?"


class ImportRowDuplicate(ImportRowProblem):
    code = "ZID-IMPORT-ROW-DUPLICATE"
    cause_nl = "Dezelfde persoon (zelfde namen en geboortedatum) staat twee keer in het bestand."
    cause_en = "The same person (same names and birth date) is in the file twice."
    solution_nl = "Haal de dubbele regel weg."
    solution_en = "Remove the duplicate line."


class ImportRowAlready(ImportRowProblem):
    code = "ZID-IMPORT-ROW-ALREADY"
    status = 409
    cause_nl = "Deze persoon staat al in de organisatie; de regel is overgeslagen, niet dubbel ingevoerd."
    cause_en = "This person is in the organisation already; the line was skipped, not entered twice."
    solution_nl = "Niets te doen: hetzelfde bestand kan opnieuw geïmporteerd worden."
    solution_en = "Nothing to do: the same file may be imported again."
