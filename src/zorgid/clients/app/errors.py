"""Errors of the app itself (R-ERR): what goes wrong on the device rather than at the server.

They use the one error base class of the protocol, so the command line reports a device error and an
error answered by the server in the same way: a stable code, a cause and a solution.
``status`` has no HTTP meaning here; it is kept so the classes fit the shared shape.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError

MAX_PIN_ATTEMPTS = 5


class AppError(ZorgidError):
    """Grouping class of the app's own errors (no code of its own)."""

    status = 400


class PinFormat(AppError):
    code = "ZID-APP-PIN-FORMAT"
    cause_nl = "Een pincode bestaat uit precies 6 cijfers."
    cause_en = "A PIN consists of exactly 6 digits."
    solution_nl = "Kies of typ een pincode van 6 cijfers (0-9), zonder spaties of letters."
    solution_en = "Choose or type a PIN of 6 digits (0-9), without spaces or letters."


class PinMismatch(AppError):
    code = "ZID-APP-PIN-MISMATCH"
    cause_nl = "De twee ingevoerde pincodes zijn niet gelijk."
    cause_en = "The two PINs entered are not the same."
    solution_nl = "Start het instellen opnieuw en typ twee keer dezelfde pincode."
    solution_en = "Start the setup again and type the same PIN twice."


class PinWrong(AppError):
    """A wrong PIN; the cause says how many attempts are left before the ID is blocked."""

    code = "ZID-APP-PIN-WRONG"
    cause_nl = "De pincode is onjuist."
    cause_en = "The PIN is wrong."
    solution_nl = (
        f"Probeer het opnieuw. Na {MAX_PIN_ATTEMPTS} onjuiste pincodes achter elkaar wordt uw ID geblokkeerd."
    )
    solution_en = f"Try again. After {MAX_PIN_ATTEMPTS} wrong PINs in a row your ID is blocked."

    def __init__(self, detail: str = "", remaining: int | None = None) -> None:
        super().__init__(detail)
        self.remaining = remaining

    def cause(self, language: str = "nl") -> str:
        if self.remaining is None:
            return super().cause(language)
        if language.startswith("en"):
            return f"{self.cause_en} Attempts left: {self.remaining}."
        return f"{self.cause_nl} U heeft nog {self.remaining} poging(en)."


class AppLocked(AppError):
    code = "ZID-APP-LOCKED"
    status = 403
    cause_nl = (
        f"De app is geblokkeerd na {MAX_PIN_ATTEMPTS} onjuiste pincodes. De sleutel van uw ID is vernietigd."
    )
    cause_en = (
        f"The app is blocked after {MAX_PIN_ATTEMPTS} wrong PINs. The key of your ID has been destroyed."
    )
    solution_nl = (
        "Installeer de app opnieuw (verwijder de map van de app of kies met --home een andere map) en kies "
        "een nieuwe pincode. Zet daarna uw back-up terug, of vraag uw beheerder om een nieuwe QR-code."
    )
    solution_en = (
        "Reinstall the app (delete the app's directory or choose another one with --home) and choose a new "
        "PIN. Then restore your backup, or ask your administrator for a new QR code."
    )


class NotSetUp(AppError):
    code = "ZID-APP-NOT-SETUP"
    cause_nl = "De app is nog niet ingesteld: er is geen pincode gekozen."
    cause_en = "The app has not been set up: no PIN has been chosen."
    solution_nl = "Kies eerst een pincode met 'zorgid-app setup'."
    solution_en = "First choose a PIN with 'zorgid-app setup'."


class AlreadySetUp(AppError):
    code = "ZID-APP-ALREADY-SETUP"
    cause_nl = "De app is al ingesteld: er is al een pincode gekozen."
    cause_en = "The app has already been set up: a PIN has already been chosen."
    solution_nl = (
        "Gebruik een andere map met --home, of verwijder de map van de app om de app opnieuw te "
        "installeren (een geïnstalleerd ID gaat dan verloren)."
    )
    solution_en = (
        "Use another directory with --home, or delete the app's directory to reinstall the app "
        "(an installed ID is then lost)."
    )


class NoId(AppError):
    code = "ZID-APP-NO-ID"
    cause_nl = "Er is nog geen ID in de app geïnstalleerd."
    cause_en = "No ID has been installed in the app yet."
    solution_nl = "Scan de activatie- of registratie-QR-code die u van uw beheerder of het portaal kreeg."
    solution_en = (
        "Scan the activation or registration QR code you received from your administrator or the portal."
    )


class WrongServer(AppError):
    code = "ZID-APP-WRONG-SERVER"
    cause_nl = "Deze QR-code is van een andere server dan die van uw ID."
    cause_en = "This QR code is for another server than the one of your ID."
    solution_nl = "Log in bij het portaal waarbij uw ID hoort, of installeer een ID van deze server."
    solution_en = "Log in at the portal your ID belongs to, or install an ID of this server."


class QrUnreadable(AppError):
    code = "ZID-APP-QR-UNREADABLE"
    cause_nl = (
        "Er is geen (of meer dan één) QR-code gevonden in de afbeelding, of de afbeelding is onleesbaar."
    )
    cause_en = "No QR code (or more than one) was found in the image, or the image is unreadable."
    solution_nl = "Maak een scherpe afbeelding met precies één QR-code, of plak de link uit de QR-code."
    solution_en = "Make a sharp image with exactly one QR code, or paste the link from the QR code."


class ServerUnreachable(AppError):
    code = "ZID-APP-SERVER-UNREACHABLE"
    status = 503
    cause_nl = "De ZORG-ID-server is niet bereikbaar."
    cause_en = "The ZORG-ID server cannot be reached."
    solution_nl = "Controleer uw internetverbinding en probeer het opnieuw."
    solution_en = "Check your internet connection and try again."
    technical_detail = True


class ServerCertificateUntrusted(AppError):
    code = "ZID-APP-SERVER-CERTIFICATE"
    status = 503
    cause_nl = "De app vertrouwt het TLS-certificaat van de ZORG-ID-server niet: de verbinding is niet gemaakt."
    cause_en = "The app does not trust the ZORG-ID server's TLS certificate: no connection was made."
    solution_nl = (
        "Controleer het adres van de server in de QR-code. Een testserver met een eigen certificaat: zet "
        "SSL_CERT_FILE op het bestand met dat certificaat (of zijn CA) en probeer het opnieuw."
    )
    solution_en = (
        "Check the server's address in the QR code. A test server with a certificate of its own: set SSL_CERT_FILE "
        "to the file with that certificate (or its CA) and try again."
    )
    technical_detail = True  # the address and OpenSSL's reason


class ServerAnswerInvalid(AppError):
    code = "ZID-APP-SERVER-ANSWER"
    status = 502
    cause_nl = "De server gaf een antwoord dat de app niet begrijpt."
    cause_en = "The server gave an answer the app does not understand."
    solution_nl = (
        "Werk de app bij en probeer het opnieuw. Blijft de fout, neem dan contact op met de servicedesk."
    )
    solution_en = "Update the app and try again. If the error persists, contact the service desk."
    technical_detail = True


class LoginNotPending(AppError):
    code = "ZID-APP-LOGIN-DONE"
    cause_nl = "Deze inlogpoging is al afgerond of verlopen."
    cause_en = "This login attempt has already been completed or has expired."
    solution_nl = "Vernieuw de QR-code in het portaal en scan de nieuwe QR-code."
    solution_en = "Refresh the QR code in the portal and scan the new QR code."


class StorageError(AppError):
    code = "ZID-APP-STORAGE"
    status = 500
    technical_detail = True  # which file is damaged and how, for the service desk; what to check is in both
    cause_nl = "De gegevens van de app konden niet worden gelezen of opgeslagen."
    cause_en = "The app's data could not be read or stored."
    solution_nl = (
        "Controleer of de map van de app bestaat en schrijfbaar is. Zijn de bestanden beschadigd, "
        "installeer de app dan opnieuw en zet uw back-up terug."
    )
    solution_en = (
        "Check that the app's directory exists and is writable. If the files are damaged, reinstall the "
        "app and restore your backup."
    )


# -- backup and restore (R-FLOW-BACKUP, manual §7.2) -----------------------------------------------------

class BackupWeakPassword(AppError):
    code = "ZID-APP-BACKUP-WEAK-PASSWORD"
    cause_nl = (
        "Dit wachtwoord is te zwak voor een back-up. Een back-upwachtwoord heeft minstens 12 tekens, waarvan "
        "minstens 6 verschillende, bestaat niet alleen uit cijfers en bevat uw pincode niet."
    )
    cause_en = (
        "This password is too weak for a backup. A backup password has at least 12 characters, at least 6 of "
        "them different, does not consist of digits only and does not contain your PIN."
    )
    solution_nl = "Kies een langer wachtwoord, bijvoorbeeld een zin van vier of meer woorden, los van uw pincode."
    solution_en = "Choose a longer password, for example a sentence of four or more words, unrelated to your PIN."


class BackupPasswordMismatch(AppError):
    code = "ZID-APP-BACKUP-PASSWORD-MISMATCH"
    cause_nl = "De twee ingevoerde wachtwoorden zijn niet gelijk."
    cause_en = "The two passwords entered are not the same."
    solution_nl = "Maak de back-up opnieuw en typ twee keer hetzelfde wachtwoord."
    solution_en = "Make the backup again and type the same password twice."


class BackupExists(AppError):
    code = "ZID-APP-BACKUP-EXISTS"
    cause_nl = "Het back-upbestand bestaat al; de app overschrijft het niet zomaar."
    cause_en = "The backup file already exists; the app does not simply overwrite it."
    solution_nl = "Kies een andere bestandsnaam, of gebruik --force om het oude bestand te vervangen."
    solution_en = "Choose another file name, or use --force to replace the old file."


class BackupFileError(AppError):
    code = "ZID-APP-BACKUP-FILE"
    cause_nl = "Het back-upbestand kon niet worden gelezen of geschreven."
    cause_en = "The backup file could not be read or written."
    solution_nl = "Controleer de naam van het bestand, of het bestaat en of u het mag lezen of schrijven."
    solution_en = "Check the file's name, that it exists and that you may read or write it."


class BackupTooLarge(AppError):
    code = "ZID-APP-BACKUP-TOO-LARGE"
    cause_nl = "Dit bestand is te groot voor een back-up van de ZORG-ID app (hooguit 1 MiB)."
    cause_en = "This file is too large for a backup of the ZORG-ID app (at most 1 MiB)."
    solution_nl = "Kies het back-upbestand dat 'zorgid-app backup' heeft gemaakt."
    solution_en = "Choose the backup file made by 'zorgid-app backup'."


class BackupFormat(AppError):
    code = "ZID-APP-BACKUP-FORMAT"
    cause_nl = "Dit bestand is geen back-up van de ZORG-ID app."
    cause_en = "This file is not a backup of the ZORG-ID app."
    solution_nl = "Kies het back-upbestand dat 'zorgid-app backup' heeft gemaakt."
    solution_en = "Choose the backup file made by 'zorgid-app backup'."


class BackupVersion(AppError):
    code = "ZID-APP-BACKUP-VERSION"
    cause_nl = "Deze back-up is gemaakt door een nieuwere versie van de app; deze versie kan hem niet lezen."
    cause_en = "This backup was made by a newer version of the app and cannot be read by this version."
    solution_nl = "Werk de app bij en zet de back-up daarna terug."
    solution_en = "Update the app, then restore the backup."


class BackupDamaged(AppError):
    code = "ZID-APP-BACKUP-DAMAGED"
    technical_detail = True  # what is wrong inside the file, for the service desk
    cause_nl = "Het back-upbestand is beschadigd of onvolledig: het is na het maken gewijzigd of afgekapt."
    cause_en = "The backup file is damaged or incomplete: it was changed or cut short after it was made."
    solution_nl = (
        "Gebruik een onbeschadigde kopie van de back-up. Heeft u die niet, vraag dan uw beheerder om een nieuw "
        "certificaat met een QR-code."
    )
    solution_en = (
        "Use an undamaged copy of the backup. If you have none, ask your administrator for a new certificate "
        "with a QR code."
    )


class BackupPasswordWrong(AppError):
    code = "ZID-APP-BACKUP-PASSWORD"
    cause_nl = "Het wachtwoord van de back-up is onjuist (of het bestand is opzettelijk gewijzigd)."
    cause_en = "The backup's password is wrong (or the file was changed on purpose)."
    solution_nl = (
        "Typ het wachtwoord dat u koos bij het maken van de back-up; dat is niet uw pincode. Weet u het niet "
        "meer, vraag dan uw beheerder om een nieuw certificaat met een QR-code."
    )
    solution_en = (
        "Type the password you chose when making the backup; it is not your PIN. If you do not remember it, "
        "ask your administrator for a new certificate with a QR code."
    )


class BackupHomeInUse(AppError):
    code = "ZID-APP-BACKUP-HOME-IN-USE"
    cause_nl = "In deze app-map is al een ID geïnstalleerd; een back-up wordt alleen in een nieuwe app teruggezet."
    cause_en = "An ID is already installed in this app directory; a backup is only restored into a new app."
    solution_nl = (
        "Zet de back-up terug in een nieuwe app-map (--home), of verwijder de map van de app (opnieuw "
        "installeren; het geïnstalleerde ID gaat dan verloren) en probeer het opnieuw."
    )
    solution_en = (
        "Restore the backup into a new app directory (--home), or delete the app's directory (reinstall; the "
        "installed ID is then lost) and try again."
    )


# -- linking the WID scan app (R-FLOW-WIDSCAN) ----------------------------------------------------------

class WidScanLinkExpired(AppError):
    code = "ZID-APP-WIDSCAN-LINK-EXPIRED"
    cause_nl = ("De koppeling met de WID scan app is verlopen of beëindigd voordat die app hem opeiste (een "
                "koppel-QR-code is 10 minuten geldig).")
    cause_en = ("The link with the WID scan app expired or ended before that app claimed it (a link QR code is "
                "valid for 10 minutes).")
    solution_nl = ("Start het koppelen opnieuw met 'zorgid-app link-widscan' en scan de nieuwe QR-code meteen met "
                   "de WID scan app ('zorgid-widscan link').")
    solution_en = ("Start linking again with 'zorgid-app link-widscan' and scan the new QR code straight away with "
                   "the WID scan app ('zorgid-widscan link').")
