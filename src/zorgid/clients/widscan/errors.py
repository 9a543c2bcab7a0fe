"""Errors of zorgid-widscan about the MRZ itself: what it says, and what it says wrong (R-FLOW-WIDSCAN, R-ERR).

They are for a healthcare employee at a desk with the patient's identity document in hand. The detail of each
(a :class:`~zorgid.protocol.errors.Detail`, in Dutch and English) says which field or which line. The refusals
before the MRZ is read (the picture) are zorgid.clients.widscan.image_errors'. ``status`` has no HTTP meaning here.

The server's own refusal of an expired document in a WID check is ZID-WID-EXPIRED; the scanner's is
ZID-WID-MRZ-EXPIRED, as a client defines no code of the server's.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError

_SCAN_AGAIN_NL = "Scan het document opnieuw, of typ de regels van de MRZ (de regels met <<< onderaan) over."
_SCAN_AGAIN_EN = "Scan the document again, or type over the lines of the MRZ (the lines with <<< at the bottom)."


class WidScanError(ZorgidError):
    """Grouping class of the MRZ errors (no code of its own)."""

    status = 400


class MrzMalformed(WidScanError):
    code = "ZID-WID-MRZ-MALFORMED"
    cause_nl = ("De tekst is geen leesbare MRZ: het aantal regels, de lengte van een regel, een teken of een datum "
                "klopt niet (het detail noemt wat).")
    cause_en = ("The text is not a readable MRZ: the number of lines, the length of a line, a character or a date "
                "is wrong (the detail says which).")
    solution_nl = (_SCAN_AGAIN_NL + " Een paspoort heeft 2 regels van 44 tekens, een identiteitskaart of "
                   "verblijfsdocument 3 regels van 30, een rijbewijs 1 regel van 30; alleen hoofdletters, cijfers "
                   "en <.")
    solution_en = (_SCAN_AGAIN_EN + " A passport has 2 lines of 44 characters, an identity card or residence "
                   "document 3 lines of 30, a driving licence 1 line of 30; capital letters, digits and < only.")


class MrzFormatUnsupported(WidScanError):
    code = "ZID-WID-MRZ-FORMAT"
    cause_nl = ("Dit is een MRZ van een soort die dit programma niet controleert (het detail noemt welke), zoals een "
                "visum of een buitenlands rijbewijs.")
    cause_en = ("This is an MRZ of a kind this program does not check (the detail says which), such as a visa or a "
                "foreign driving licence.")
    solution_nl = ("Vraag een ander identiteitsbewijs: een paspoort, een identiteitskaart, een Nederlands rijbewijs of "
                   "een Nederlands verblijfsdocument.")
    solution_en = ("Ask for another identity document: a passport, an identity card, a Dutch driving licence or a "
                   "Dutch residence document.")


class MrzCheckDigit(WidScanError):
    code = "ZID-WID-MRZ-CHECK-DIGIT"
    cause_nl = ("Een controlecijfer in de MRZ klopt niet (het detail noemt bij welk gegeven): de MRZ is verkeerd "
                "gelezen of overgetypt, of het document is veranderd.")
    cause_en = ("A check digit in the MRZ is wrong (the detail says of which field): the MRZ was misread or mistyped, "
                "or the document has been altered.")
    solution_nl = (_SCAN_AGAIN_NL + " Klopt het daarna nog niet, vertrouw het document dan niet en vraag een ander "
                   "identiteitsbewijs.")
    solution_en = (_SCAN_AGAIN_EN + " If it is still wrong, do not trust the document and ask for another identity "
                   "document.")


class MrzExpired(WidScanError):
    code = "ZID-WID-MRZ-EXPIRED"
    cause_nl = "Het document is verlopen: het is geen geldig identiteitsbewijs meer."
    cause_en = "The document has expired: it is no longer a valid identity document."
    solution_nl = "Vraag een ander, geldig identiteitsbewijs."
    solution_en = "Ask for another, valid identity document."


class ExpiryNotChecked(WidScanError):
    code = "ZID-WID-EXPIRY-UNCHECKED"
    cause_nl = "De vervaldatum van het rijbewijs is niet gecontroleerd: de MRZ van een rijbewijs heeft geen datums."
    cause_en = "The driving licence's expiry date was not checked: a driving licence's MRZ has no dates."
    solution_nl = "Typ de vervaldatum bij 4b op het rijbewijs over (zorgid-widscan scan … --expiry dd-mm-jjjj)."
    solution_en = "Type the expiry date at 4b on the licence (zorgid-widscan scan … --expiry dd-mm-jjjj)."


class CountryUnknown(WidScanError):
    code = "ZID-WID-COUNTRY-UNKNOWN"
    cause_nl = ("Het land van afgifte of de nationaliteit in de MRZ is geen bestaande landcode (ICAO Doc 9303); het "
                "detail noemt de code.")
    cause_en = ("The issuing country or the nationality in the MRZ is not an existing country code (ICAO Doc 9303); "
                "the detail gives the code.")
    solution_nl = (_SCAN_AGAIN_NL + " Is de code op het document zelf onbekend, vertrouw het document dan niet en "
                   "vraag een ander identiteitsbewijs.")
    solution_en = (_SCAN_AGAIN_EN + " If the code on the document itself is unknown, do not trust the document and "
                   "ask for another identity document.")


class NotAWid(WidScanError):
    code = "ZID-WID-DOCUMENT-TYPE"
    cause_nl = ("Dit soort document is geen identiteitsbewijs dat u mag accepteren (het detail noemt de "
                "documentcode).")
    cause_en = "This kind of document is not an identity document you may accept (the detail gives the document code)."
    solution_nl = ("Vraag een paspoort, een identiteitskaart, een Nederlands rijbewijs of een Nederlands "
                   "verblijfsdocument.")
    solution_en = "Ask for a passport, an identity card, a Dutch driving licence or a Dutch residence document."


class BsnInvalid(WidScanError):
    code = "ZID-WID-BSN-INVALID"
    cause_nl = ("Het persoonsnummer (BSN) in de MRZ van dit Nederlandse document is geen geldig BSN: het voldoet niet "
                "aan de elfproef.")
    cause_en = ("The personal number (BSN) in the MRZ of this Dutch document is not a valid BSN: it fails the "
                "eleven test.")
    solution_nl = (_SCAN_AGAIN_NL + " Klopt het daarna nog niet, vertrouw het document dan niet en vraag een ander "
                   "identiteitsbewijs.")
    solution_en = (_SCAN_AGAIN_EN + " If it is still wrong, do not trust the document and ask for another identity "
                   "document.")
