"""Errors of the Desktop App (R-ERR): the card, the security code, the PKCS#11 module and the server.

They share the protocol's error base class, so the command line reports a card error and an error
answered by the server the same way. ``status`` has no HTTP meaning here.
"""

from __future__ import annotations

from zorgid.protocol.errors import Detail, ZorgidError

MAX_PIN_ATTEMPTS = 3  # docs/uzi.md: "after 3 wrong PINs the card is blocked (PUK)"


class DesktopError(ZorgidError):
    """Grouping class of the Desktop App's own errors (no code of its own)."""

    status = 400


class NoCard(DesktopError):
    code = "ZID-DESKTOP-NO-CARD"
    cause_nl = "Er is geen UZI-pas gevonden: geen kaartlezer met een pas die een UZI-authenticatiecertificaat heeft."
    cause_en = "No UZI card was found: no reader holds a card with a UZI authentication certificate."
    solution_nl = (
        "Steek uw UZI-pas in de kaartlezer en probeer het opnieuw. Controleer met 'zorgid-desktop cards' welke "
        "passen worden gezien, en of --module (of ZORGID_PKCS11_MODULE) de juiste PKCS#11-module noemt."
    )
    solution_en = (
        "Insert your UZI card in the reader and try again. Check with 'zorgid-desktop cards' which cards are "
        "seen, and that --module (or ZORGID_PKCS11_MODULE) names the right PKCS#11 module."
    )


class TwoCards(DesktopError):
    code = "ZID-DESKTOP-TWO-CARDS"
    cause_nl = "Er zijn twee of meer UZI-passen gevonden; het is niet duidelijk welke u wilt gebruiken."
    cause_en = "Two or more UZI cards were found; it is not clear which one you want to use."
    solution_nl = (
        "Laat alleen de pas die u wilt gebruiken in de kaartlezer, of kies de pas met --token-label "
        "(de labels staan in de details en in 'zorgid-desktop cards')."
    )
    solution_en = (
        "Leave only the card you want to use in the reader, or choose it with --token-label "
        "(the labels are in the details and in 'zorgid-desktop cards')."
    )


class PinWrong(DesktopError):
    code = "ZID-DESKTOP-PIN-WRONG"
    cause_nl = "De beveiligingscode van de UZI-pas is onjuist."
    cause_en = "The security code of the UZI card is wrong."
    solution_nl = (
        f"Probeer het opnieuw met de juiste beveiligingscode. Let op: na {MAX_PIN_ATTEMPTS} onjuiste codes achter "
        "elkaar blokkeert de pas zichzelf; deblokkeren kan dan alleen met de PUK-code van de pas."
    )
    solution_en = (
        f"Try again with the right security code. Note: after {MAX_PIN_ATTEMPTS} wrong codes in a row the card "
        "blocks itself; it can then only be unblocked with the card's PUK code."
    )

    def __init__(self, detail: str | Detail = "", final_try: bool = False) -> None:
        super().__init__(detail)
        self.final_try = final_try

    def cause(self, language: str = "nl") -> str:
        """Says so when the card reports that one attempt is left (CKF_USER_PIN_FINAL_TRY)."""
        if not self.final_try:
            return super().cause(language)
        if language.startswith("en"):
            return f"{self.cause_en} One attempt is left; after that the card is blocked."
        return f"{self.cause_nl} U heeft nog één poging; daarna wordt de pas geblokkeerd."


class CardBlocked(DesktopError):
    code = "ZID-DESKTOP-CARD-BLOCKED"
    status = 403
    cause_nl = f"De UZI-pas is geblokkeerd, na {MAX_PIN_ATTEMPTS} onjuiste beveiligingscodes."
    cause_en = f"The UZI card is blocked, after {MAX_PIN_ATTEMPTS} wrong security codes."
    solution_nl = (
        "Deblokkeer de pas met de PUK-code die u bij de pas kreeg (met de software van de kaartlezer), of vraag "
        "bij het UZI-register een nieuwe pas aan."
    )
    solution_en = (
        "Unblock the card with the PUK code you received with it (using the card reader's software), or request "
        "a new card from the UZI register."
    )


class PinFormat(DesktopError):
    code = "ZID-DESKTOP-PIN-FORMAT"
    cause_nl = "Een beveiligingscode van een UZI-pas bestaat uit 6 tot 8 tekens, zonder spaties."
    cause_en = "A UZI card's security code consists of 6 to 8 characters, without spaces."
    solution_nl = "Typ de beveiligingscode van uw pas opnieuw. Een code van de verkeerde lengte telt niet als poging."
    solution_en = "Type your card's security code again. A code of the wrong length does not count as an attempt."


class PinMissing(DesktopError):
    code = "ZID-DESKTOP-PIN-MISSING"
    cause_nl = "Er is geen beveiligingscode ingevoerd."
    cause_en = "No security code was entered."
    solution_nl = (
        "Start opnieuw vanuit de browser en typ de beveiligingscode als erom wordt gevraagd, of geef in een "
        "script --pin of ZORGID_CARD_PIN."
    )
    solution_en = (
        "Start again from the browser and type the security code when asked, or give --pin or ZORGID_CARD_PIN in "
        "a script."
    )


class ModuleUnavailable(DesktopError):
    code = "ZID-DESKTOP-MODULE"
    status = 500
    cause_nl = "De PKCS#11-module voor de kaartlezer kon niet worden geladen of gestart."
    cause_en = "The PKCS#11 module for the card reader could not be loaded or started."
    solution_nl = (
        "Controleer het pad in --module of ZORGID_PKCS11_MODULE (bijvoorbeeld de module van OpenSC of van de "
        "leverancier van de pas). Bij SoftHSM2: zet SOFTHSM2_CONF op de softhsm2.conf van uw test-UZI-pas."
    )
    solution_en = (
        "Check the path in --module or ZORGID_PKCS11_MODULE (for instance OpenSC's module or the card vendor's). "
        "With SoftHSM2: set SOFTHSM2_CONF to the softhsm2.conf of your test UZI card."
    )


class CardFailed(DesktopError):
    code = "ZID-DESKTOP-CARD-ERROR"
    status = 500
    cause_nl = "De UZI-pas kon niet worden gelezen of kon niet ondertekenen."
    cause_en = "The UZI card could not be read or could not sign."
    solution_nl = (
        "Neem de pas uit de lezer, steek hem er opnieuw in en probeer het nog eens. Blijft de fout, neem dan "
        "contact op met de servicedesk en noem de details."
    )
    solution_en = (
        "Take the card out of the reader, insert it again and retry. If the error persists, contact the service "
        "desk and mention the details."
    )


class ServerUnreachable(DesktopError):
    code = "ZID-DESKTOP-SERVER-UNREACHABLE"
    status = 503
    cause_nl = "De ZORG-ID-server is niet bereikbaar."
    cause_en = "The ZORG-ID server cannot be reached."
    solution_nl = "Controleer uw internetverbinding en kies in de browser Opnieuw beginnen om het opnieuw te proberen."
    solution_en = ("Check your internet connection and choose Start again (Opnieuw beginnen) in the browser to try "
                   "again.")
    technical_detail = True  # the address and the network error, for the service desk


class ServerCertificateUntrusted(DesktopError):
    code = "ZID-DESKTOP-SERVER-CERTIFICATE"
    status = 503
    cause_nl = "De Desktop App vertrouwt het TLS-certificaat van de ZORG-ID-server niet: de verbinding is niet gemaakt."
    cause_en = "The Desktop App does not trust the ZORG-ID server's TLS certificate: no connection was made."
    solution_nl = (
        "Controleer het adres van de server. Een testserver met een eigen certificaat: zet SSL_CERT_FILE op het "
        "bestand met dat certificaat (of zijn CA) en kies in de browser Opnieuw beginnen."
    )
    solution_en = (
        "Check the server's address. A test server with a certificate of its own: set SSL_CERT_FILE to the file with "
        "that certificate (or its CA) and choose Start again (Opnieuw beginnen) in the browser."
    )
    technical_detail = True  # the address and OpenSSL's reason


class ServerAnswerInvalid(DesktopError):
    code = "ZID-DESKTOP-SERVER-ANSWER"
    status = 502
    cause_nl = "De server gaf een antwoord dat de Desktop App niet begrijpt of niet vertrouwt."
    cause_en = "The server gave an answer the Desktop App does not understand or trust."
    solution_nl = (
        "Werk zorgid-desktop bij en probeer het opnieuw. Blijft de fout, neem dan contact op met de servicedesk."
    )
    solution_en = "Update zorgid-desktop and try again. If the error persists, contact the service desk."
    technical_detail = True  # what was wrong with the answer, for the service desk


class FlowNotPending(DesktopError):
    code = "ZID-DESKTOP-FLOW-DONE"
    cause_nl = "Dit verzoek om de UZI-pas te lezen is al afgerond of verlopen."
    cause_en = "This request to read the UZI card has already been completed or has expired."
    solution_nl = "Kies in de browser Opnieuw beginnen en start de Desktop App opnieuw vanaf de nieuwe pagina."
    solution_en = ("Choose Start again (Opnieuw beginnen) in the browser and start the Desktop App again from the new "
                   "page.")


class HandlerFailed(DesktopError):
    code = "ZID-DESKTOP-HANDLER"
    status = 500
    cause_nl = "De koppeling van zorgid-desktop:// aan de Desktop App kon niet worden geïnstalleerd."
    cause_en = "The zorgid-desktop:// link handler could not be installed."
    solution_nl = "Controleer dat de map voor .desktop-bestanden schrijfbaar is; de details zeggen wat misging."
    solution_en = "Check that the directory for .desktop files is writable; the details say what went wrong."
