"""Errors of making and using a ZORG-ID Smartcard in the Desktop App (R-ERR): the blank card, the new PIN, the PUK
and the certificates (zorgid.clients.desktop.personalise).

Kept apart from the PKCS#11 code so that the server's error catalogue (/foutmeldingen) lists them without
loading a PKCS#11 library.
"""

from __future__ import annotations

from .errors import DesktopError

MIN_PIN_CHARS = 6  # as zorgid.clients.desktop.card: the codes zorgid-desktop logs in with
MAX_PIN_CHARS = 8
PUK_DIGITS = 8


class CardNotBlank(DesktopError):
    code = "ZID-DESKTOP-CARD-NOT-BLANK"
    cause_nl = "De kaart is niet blanco: er staan al sleutels of certificaten op. Alleen van een blanco kaart kan " \
               "een ZORG-ID Smartcard worden gemaakt."
    cause_en = "The card is not blank: it already holds keys or certificates. Only a blank card can be made a " \
               "ZORG-ID Smartcard."
    solution_nl = "Gebruik een nieuwe, blanco kaart. Een UZI-pas of een bestaande smartcard wordt nooit overschreven."
    solution_en = "Use a new, blank card. A UZI card or an existing smartcard is never overwritten."


class NewPinFormat(DesktopError):
    code = "ZID-DESKTOP-NEW-PIN-FORMAT"
    cause_nl = f"Een nieuwe pincode van een ZORG-ID Smartcard bestaat uit {MIN_PIN_CHARS} tot {MAX_PIN_CHARS} cijfers."
    cause_en = f"A new PIN of a ZORG-ID Smartcard consists of {MIN_PIN_CHARS} to {MAX_PIN_CHARS} digits."
    solution_nl = f"Kies een pincode van {MIN_PIN_CHARS} tot {MAX_PIN_CHARS} cijfers, zonder letters of spaties."
    solution_en = f"Choose a PIN of {MIN_PIN_CHARS} to {MAX_PIN_CHARS} digits, without letters or spaces."


class TransportPinWrong(DesktopError):
    code = "ZID-DESKTOP-TRANSPORT-PIN-WRONG"
    cause_nl = "De transport-PIN of transport-SO-PIN van de blanco kaart is onjuist."
    cause_en = "The blank card's transport PIN or transport SO PIN is wrong."
    solution_nl = "Typ de codes uit de brief die bij de blanco kaart hoort opnieuw; de kaart is niet veranderd."
    solution_en = "Type the codes from the letter that came with the blank card again; the card was not changed."


class PukFormat(DesktopError):
    code = "ZID-DESKTOP-PUK-FORMAT"
    cause_nl = f"Een PUK-code van een ZORG-ID Smartcard bestaat uit {PUK_DIGITS} cijfers."
    cause_en = f"A ZORG-ID Smartcard's PUK consists of {PUK_DIGITS} digits."
    solution_nl = "Typ de PUK-code die u bij het aanmaken van de smartcard kreeg opnieuw. Dit telt niet als poging."
    solution_en = "Type the PUK you were shown when the smartcard was made again. This does not count as an attempt."


class PukWrong(DesktopError):
    code = "ZID-DESKTOP-PUK-WRONG"
    cause_nl = "De PUK-code van de smartcard is onjuist; de pincode is niet veranderd."
    cause_en = "The smartcard's PUK is wrong; the PIN was not changed."
    solution_nl = (
        "Probeer het opnieuw met de PUK-code die u bij het aanmaken van de smartcard kreeg. Let op: na te veel "
        "onjuiste PUK-codes blokkeert de kaart zichzelf voorgoed; maak dan in het portaal een nieuwe smartcard."
    )
    solution_en = (
        "Try again with the PUK you were shown when the smartcard was made. Note: after too many wrong PUKs the "
        "card blocks itself for good; then make a new smartcard in the portal."
    )


class PukBlocked(DesktopError):
    code = "ZID-DESKTOP-PUK-BLOCKED"
    status = 403
    cause_nl = "De PUK-code van de smartcard is geblokkeerd, na te veel onjuiste pogingen."
    cause_en = "The smartcard's PUK is blocked, after too many wrong attempts."
    solution_nl = "Deze kaart kan niet meer worden gedeblokkeerd. Maak in het portaal een nieuwe ZORG-ID Smartcard."
    solution_en = "This card can no longer be unblocked. Make a new ZORG-ID Smartcard in the portal."


class CertificateMismatch(DesktopError):
    code = "ZID-DESKTOP-CERTIFICATE-MISMATCH"
    status = 502
    cause_nl = "Een certificaat van de server past niet bij een sleutel op de kaart, of is geen geldig certificaat."
    cause_en = "A certificate from the server does not match a key on the card, or is not a valid certificate."
    solution_nl = "Start het aanmaken van de smartcard opnieuw in het portaal. Blijft de fout, neem dan contact op " \
                  "met de servicedesk."
    solution_en = "Start making the smartcard again in the portal. If the error persists, contact the service desk."


# --- making a smartcard with ``zorgid-desktop open`` (zorgid.clients.desktop.making) and using one -------------


class NoBlankCard(DesktopError):
    code = "ZID-DESKTOP-NO-BLANK-CARD"
    cause_nl = "Er is geen blanco kaart gevonden om een ZORG-ID Smartcard van te maken."
    cause_en = "No blank card was found to make a ZORG-ID Smartcard of."
    solution_nl = (
        "Plaats de blanco kaart in de kaartlezer en start opnieuw vanuit het portaal. Controleer met "
        "'zorgid-desktop cards' welke kaarten worden gezien, of kies de kaart met --blank-token-label."
    )
    solution_en = (
        "Insert the blank card in the reader and start again from the portal. Check with 'zorgid-desktop cards' "
        "which cards are seen, or choose the card with --blank-token-label."
    )


class TwoBlankCards(DesktopError):
    code = "ZID-DESKTOP-TWO-BLANK-CARDS"
    cause_nl = ("Er zijn twee of meer blanco kaarten gevonden; het is niet duidelijk van welke u een smartcard wilt "
                "maken.")
    cause_en = "Two or more blank cards were found; it is not clear which one you want to make a smartcard of."
    solution_nl = "Laat alleen de blanco kaart die u wilt gebruiken in de lezer, of kies hem met --blank-token-label."
    solution_en = "Leave only the blank card you want to use in the reader, or choose it with --blank-token-label."


class NewPinMismatch(DesktopError):
    code = "ZID-DESKTOP-NEW-PIN-MISMATCH"
    cause_nl = "De twee ingetypte nieuwe pincodes zijn niet gelijk."
    cause_en = "The two new PINs typed are not the same."
    solution_nl = "Start opnieuw vanuit het portaal en typ twee keer dezelfde pincode; de kaart is niet veranderd."
    solution_en = "Start again from the portal and type the same PIN twice; the card was not changed."


class SmartcardNotUziPas(DesktopError):
    code = "ZID-DESKTOP-SMARTCARD-NOT-UZI"
    cause_nl = "Een ZORG-ID Smartcard maakt u met uw UZI-pas; de gevonden pas is zelf een ZORG-ID Smartcard."
    cause_en = "A ZORG-ID Smartcard is made with your UZI card; the card found is itself a ZORG-ID Smartcard."
    solution_nl = ("Plaats uw UZI-pas (zorgverlenerpas of medewerkerpas op naam) in de kaartlezer en probeer het "
                   "opnieuw.")
    solution_en = "Insert your UZI card (a healthcare professional's or named employee card) and try again."


class NoSmartcard(DesktopError):
    code = "ZID-DESKTOP-NO-SMARTCARD"
    cause_nl = "Er is geen ZORG-ID Smartcard gevonden; voor dit verzoek is een ZORG-ID Smartcard nodig."
    cause_en = "No ZORG-ID Smartcard was found; this request needs a ZORG-ID Smartcard."
    solution_nl = (
        "Plaats uw ZORG-ID Smartcard in de kaartlezer en probeer het opnieuw. Controleer met 'zorgid-desktop cards' "
        "welke kaarten worden gezien."
    )
    solution_en = (
        "Insert your ZORG-ID Smartcard in the reader and try again. Check with 'zorgid-desktop cards' which cards "
        "are seen."
    )


class MakingAborted(DesktopError):
    code = "ZID-DESKTOP-MAKING-ABORTED"
    cause_nl = "Het aanmaken van de ZORG-ID Smartcard is afgebroken; er is niets half op de kaart achtergebleven."
    cause_en = "Making the ZORG-ID Smartcard was stopped; nothing half-made was left on the card."
    solution_nl = "Start het aanmaken opnieuw in het portaal als u de smartcard toch wilt maken."
    solution_en = "Start making the smartcard again in the portal if you still want it."


class BlankAgainFailed(DesktopError):
    code = "ZID-DESKTOP-BLANK-AGAIN-FAILED"
    status = 500
    cause_nl = ("Het aanmaken van de smartcard is mislukt en de kaart kon daarna niet helemaal blanco worden gemaakt: "
                "er kunnen nog sleutels op staan, of de pincodes zijn niet terug op de transportcodes.")
    cause_en = ("Making the smartcard failed and the card could not be made fully blank afterwards: keys may still be "
                "on it, or its PINs are not back to the transport codes.")
    solution_nl = "Gebruik deze kaart niet meer voor een smartcard; neem een nieuwe blanco kaart en start opnieuw."
    solution_en = "Do not use this card for a smartcard any more; take a new blank card and start again."
