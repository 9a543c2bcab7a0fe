"""Errors of the WID scan app as a program (R-FLOW-WIDSCAN, R-ERR): its link, its files, its server.

What the MRZ says wrong is zorgid.clients.widscan.errors', what the picture does wrong
zorgid.clients.widscan.image_errors'. ``status`` has no HTTP meaning here; it is kept so the classes fit the
shared shape.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError


class WidScanAppError(ZorgidError):
    """Grouping class of the WID scan app's own errors (no code of its own)."""

    status = 400


class NotLinked(WidScanAppError):
    code = "ZID-WIDSCAN-APP-NOT-LINKED"
    status = 403
    cause_nl = "De WID scan app is nog niet gekoppeld aan een ZORG-ID: een controle kan niet worden vastgelegd."
    cause_en = "The WID scan app is not linked to a ZORG-ID yet: a check cannot be recorded."
    solution_nl = ("Koppel de app eerst: start 'zorgid-app link-widscan' in de ZORG-ID app en scan de QR-code met "
                   "'zorgid-widscan link'. Controleren zonder vastleggen kan wel: 'zorgid-widscan scan' zonder "
                   "--record.")
    solution_en = ("Link the app first: start 'zorgid-app link-widscan' in the ZORG-ID app and scan the QR code with "
                   "'zorgid-widscan link'. Checking without recording works: 'zorgid-widscan scan' without --record.")


class LinkDeclined(WidScanAppError):
    code = "ZID-WIDSCAN-APP-LINK-DECLINED"
    status = 403
    cause_nl = "De houder van het ZORG-ID heeft de koppeling geweigerd in de ZORG-ID app."
    cause_en = "The holder of the ZORG-ID declined the link in the ZORG-ID app."
    solution_nl = ("Was dat een vergissing? Start het koppelen opnieuw in de ZORG-ID app ('zorgid-app link-widscan') "
                   "en kies daar Ja als beide apps dezelfde controlecode tonen.")
    solution_en = ("Was that a mistake? Start linking again in the ZORG-ID app ('zorgid-app link-widscan') and choose "
                   "Yes there when both apps show the same confirmation code.")


class LinkExpired(WidScanAppError):
    code = "ZID-WIDSCAN-APP-LINK-EXPIRED"
    cause_nl = ("De koppel-QR-code is verlopen of niet meer geldig (een koppel-QR-code is 10 minuten geldig en "
                "wordt één keer gebruikt).")
    cause_en = "The link QR code has expired or is no longer valid (a link QR code is valid for 10 minutes, once)."
    solution_nl = "Start het koppelen opnieuw in de ZORG-ID app ('zorgid-app link-widscan') en scan de nieuwe QR-code."
    solution_en = "Start linking again in the ZORG-ID app ('zorgid-app link-widscan') and scan the new QR code."


class QrUnreadable(WidScanAppError):
    code = "ZID-WIDSCAN-APP-QR-UNREADABLE"
    cause_nl = "Er is geen (of meer dan één) QR-code gevonden in de afbeelding, of de afbeelding is onleesbaar."
    cause_en = "No QR code (or more than one) was found in the image, or the image is unreadable."
    solution_nl = ("Maak een scherpe afbeelding met precies één QR-code, of geef de tekst van de QR-code "
                   "(zorgid-widscan://link?...) die de ZORG-ID app onder de QR-code toont.")
    solution_en = ("Make a sharp image with exactly one QR code, or give the QR code's text "
                   "(zorgid-widscan://link?...) that the ZORG-ID app shows under the QR code.")


class DocumentNotRecordable(WidScanAppError):
    code = "ZID-WIDSCAN-APP-NOT-RECORDABLE"
    cause_nl = ("Deze controle kan niet worden vastgelegd: de soort document, het documentnummer of de vervaldatum "
                "is niet bekend genoeg (het detail noemt wat).")
    cause_en = ("This check cannot be recorded: the kind of document, the document number or the expiry date is not "
                "known well enough (the detail says which).")
    solution_nl = ("Scan het document opnieuw of typ de MRZ over, en leg de controle dan vast. Bij een rijbewijs: "
                   "geef de vervaldatum op de kaart (4b) met --expiry DD-MM-JJJJ.")
    solution_en = ("Scan the document again or type over the MRZ, then record the check. For a driving licence: give "
                   "the expiry date on the card (4b) with --expiry DD-MM-YYYY.")


class ExpiryDateInvalid(WidScanAppError):
    code = "ZID-WIDSCAN-APP-EXPIRY-DATE"
    cause_nl = ("De getypte vervaldatum van het rijbewijs is geen datum als dd-mm-jjjj, bestaat niet, of kan geen "
                "vervaldatum van een rijbewijs zijn (het detail noemt wat).")
    cause_en = ("The typed expiry date of the driving licence is no date as dd-mm-yyyy, does not exist, or cannot be "
                "a driving licence's expiry date (the detail says which).")
    solution_nl = ("Typ de datum bij 4b op het rijbewijs over als dag-maand-jaar met het jaar in vier cijfers, "
                   "bijvoorbeeld 09-03-2031.")
    solution_en = ("Type the date at 4b on the driving licence as day-month-year with a four-digit year, for "
                   "example 09-03-2031.")


class ServerUnreachable(WidScanAppError):
    code = "ZID-WIDSCAN-APP-SERVER-UNREACHABLE"
    status = 503
    cause_nl = "De ZORG-ID-server is niet bereikbaar."
    cause_en = "The ZORG-ID server cannot be reached."
    solution_nl = "Controleer de internetverbinding en probeer het opnieuw."
    solution_en = "Check the internet connection and try again."
    technical_detail = True


class ServerCertificateUntrusted(WidScanAppError):
    code = "ZID-WIDSCAN-APP-SERVER-CERTIFICATE"
    status = 503
    cause_nl = "De WID scan app vertrouwt het TLS-certificaat van de ZORG-ID-server niet: er is geen verbinding."
    cause_en = "The WID scan app does not trust the ZORG-ID server's TLS certificate: no connection was made."
    solution_nl = ("Controleer het adres van de server in de QR-code. Een testserver met een eigen certificaat: zet "
                   "SSL_CERT_FILE op het bestand met dat certificaat (of zijn CA) en probeer het opnieuw.")
    solution_en = ("Check the server's address in the QR code. A test server with a certificate of its own: set "
                   "SSL_CERT_FILE to the file with that certificate (or its CA) and try again.")
    technical_detail = True


class ServerAnswerInvalid(WidScanAppError):
    code = "ZID-WIDSCAN-APP-SERVER-ANSWER"
    status = 502
    cause_nl = "De server gaf een antwoord dat de WID scan app niet begrijpt of niet vertrouwt."
    cause_en = "The server gave an answer the WID scan app does not understand or does not trust."
    solution_nl = "Werk de app bij en probeer het opnieuw. Blijft de fout, neem dan contact op met de servicedesk."
    solution_en = "Update the app and try again. If the error persists, contact the service desk."
    technical_detail = True


class StorageError(WidScanAppError):
    code = "ZID-WIDSCAN-APP-STORAGE"
    status = 500
    technical_detail = True
    cause_nl = "De gegevens van de WID scan app konden niet worden gelezen of opgeslagen."
    cause_en = "The WID scan app's data could not be read or stored."
    solution_nl = ("Controleer of de map van de app bestaat en schrijfbaar is. Zijn de bestanden beschadigd, "
                   "verwijder de map dan en koppel de app opnieuw.")
    solution_en = ("Check that the app's directory exists and is writable. If the files are damaged, delete the "
                   "directory and link the app again.")


class FileNotWritten(WidScanAppError):
    code = "ZID-WIDSCAN-APP-FILE-NOT-WRITTEN"
    status = 500
    cause_nl = "Het bestand kon niet worden geschreven (het detail noemt het bestand en waarom)."
    cause_en = "The file could not be written (the detail gives the file and why)."
    solution_nl = "Kies een map die bestaat en waarin u mag schrijven, en probeer het opnieuw."
    solution_en = "Choose a directory that exists and that you may write in, and try again."
