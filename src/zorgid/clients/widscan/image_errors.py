"""Errors of zorgid-widscan while reading the MRZ from a picture (R-FLOW-WIDSCAN, R-ERR).

What the MRZ itself says wrong (a check digit, an expired document) is zorgid.clients.widscan.errors'; these are
the refusals before that: the picture is too large, not a picture, has no readable MRZ, or the text recognition
program is missing. ``status`` has no HTTP meaning here.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError

APT_COMMAND = "sudo apt-get install tesseract-ocr tesseract-ocr-eng"


class ImageError(ZorgidError):
    """Grouping class of the picture errors (no code of its own)."""

    status = 400


class ImageTooLarge(ImageError):
    code = "ZID-WID-IMAGE-TOO-LARGE"
    status = 413
    cause_nl = "De foto is te groot om te lezen (het detail noemt de grootte en de grens); er is niets gelezen."
    cause_en = "The picture is too large to read (the detail gives its size and the limit); nothing was read."
    solution_nl = ("Maak een nieuwe foto met een gewone telefooncamera, of verklein de foto, en probeer het opnieuw. "
                   "Alleen het document hoeft erop te staan.")
    solution_en = ("Take a new photo with an ordinary phone camera, or make the picture smaller, and try again. "
                   "Only the document needs to be in it.")
    technical_detail = True


class ImageUnreadable(ImageError):
    code = "ZID-WID-IMAGE-UNREADABLE"
    cause_nl = "Het bestand is geen foto die gelezen kan worden (beschadigd, of een onbekend bestandsformaat)."
    cause_en = "The file is not a picture that can be read (damaged, or an unknown file format)."
    solution_nl = "Maak een nieuwe foto van het document en sla die op als JPEG of PNG."
    solution_en = "Take a new photo of the document and save it as JPEG or PNG."
    technical_detail = True


class MrzNotFound(ImageError):
    code = "ZID-WID-MRZ-NOT-FOUND"
    status = 422
    cause_nl = ("Op de foto is geen leesbare machineleesbare zone (MRZ) gevonden: de twee of drie regels met "
                "letters, cijfers en <-tekens onderaan het paspoort, op de achterkant van de identiteitskaart of "
                "het rijbewijs. Een onjuist gelezen MRZ wordt nooit als geldig getoond.")
    cause_en = ("No readable machine readable zone (MRZ) was found in the picture: the two or three lines of "
                "letters, digits and < signs at the bottom of the passport, on the back of the identity card or "
                "the driving licence. A misread MRZ is never shown as valid.")
    solution_nl = ("Maak een nieuwe foto van de juiste kant van het document: recht van boven, scherp, zonder "
                   "schittering of schaduw over de MRZ, en met de hele MRZ in beeld. Lukt het niet, typ de regels "
                   "dan over.")
    solution_en = ("Take a new photo of the right side of the document: straight from above, sharp, without glare "
                   "or shadow over the MRZ, with the whole MRZ in view. If that does not work, type the lines.")


class OcrUnavailable(ImageError):
    code = "ZID-WID-OCR-UNAVAILABLE"
    status = 503
    cause_nl = ("Het programma voor tekstherkenning (Tesseract met het Engelse taalmodel) is niet geïnstalleerd "
                "op deze computer, dus kan de MRZ niet van een foto worden gelezen.")
    cause_en = ("The text recognition program (Tesseract with the English language model) is not installed on "
                "this computer, so the MRZ cannot be read from a picture.")
    solution_nl = (f"Vraag uw beheerder Tesseract te installeren ({APT_COMMAND}). Tot die tijd kunt u de regels "
                   "van de MRZ overtypen.")
    solution_en = (f"Ask your administrator to install Tesseract ({APT_COMMAND}). Until then you can type the MRZ "
                   "lines.")
    technical_detail = True


class SpecimenFontMissing(ImageError):
    code = "ZID-WID-SPECIMEN-FONT-MISSING"
    status = 500
    cause_nl = "Het lettertype OCR-B voor de voorbeelddocumenten van de tests is niet geïnstalleerd."
    cause_en = "The OCR-B font for the tests' specimen documents is not installed."
    solution_nl = "Installeer het met: sudo apt-get install fonts-ocr-b (of: bash scripts/system-deps.sh)."
    solution_en = "Install it with: sudo apt-get install fonts-ocr-b (or: bash scripts/system-deps.sh)."
    technical_detail = True
