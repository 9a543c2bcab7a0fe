"""Errors of the identities domain (R-ERR)."""

from zorgid.protocol.errors import (  # noqa: F401 - answers the app acts on, defined with the protocol
    KeyShareWait,
    MobileIdExpired,
    MobileIdRevoked,
    PinProofWrong,
    ZorgidError,
)


class ActivationCodeUnknown(ZorgidError):
    code = "ZID-ACTIVATION-UNKNOWN"
    status = 404
    cause_nl = "Deze QR-code voor activatie is onbekend."
    cause_en = "This activation QR code is unknown."
    solution_nl = "Controleer of u de juiste QR-code scant, of vraag uw beheerder om een nieuwe."
    solution_en = "Check that you scan the right QR code, or ask your administrator for a new one."


class ActivationCodeUsed(ZorgidError):
    code = "ZID-ACTIVATION-USED"
    status = 409
    cause_nl = "Deze QR-code voor activatie is al gebruikt. Een activatiecode werkt maar één keer."
    cause_en = "This activation QR code has already been used. An activation code works only once."
    solution_nl = "Vraag uw beheerder of de servicedesk om een nieuwe QR-code."
    solution_en = "Ask your administrator or the service desk for a new QR code."


class ActivationCodeExpired(ZorgidError):
    code = "ZID-ACTIVATION-EXPIRED"
    status = 410
    cause_nl = "Deze QR-code voor activatie is verlopen (geldig 10 dagen)."
    cause_en = "This activation QR code has expired (valid for 10 days)."
    solution_nl = "Vraag uw beheerder of de servicedesk om een nieuwe QR-code."
    solution_en = "Ask your administrator or the service desk for a new QR code."


class PersonDataInvalid(ZorgidError):
    code = "ZID-PERSON-INVALID"
    status = 400
    cause_nl = "De persoonsgegevens zijn onvolledig of ongeldig."
    cause_en = "The personal data are incomplete or invalid."
    solution_nl = "Vul voornamen en achternaam in zoals in het identiteitsbewijs, en de geboortedatum als dd-mm-jjjj."
    solution_en = "Enter first names and last name as in the identity document, and the birth date as dd-mm-yyyy."

    def __init__(self, detail: str = "", *, reason: str = "") -> None:
        super().__init__(detail)
        self.reason = reason  # which rule refused it (identities.people: EMPTY, TOO_LONG, ...), for own wording


class MobileIdUnknown(ZorgidError):
    code = "ZID-MOBILE-ID-UNKNOWN"
    status = 403
    cause_nl = "Dit ZORG-ID is onbekend bij deze server."
    cause_en = "This ZORG-ID is unknown to this server."
    solution_nl = "Activeer uw ID opnieuw met een nieuwe QR-code van uw beheerder."
    solution_en = "Activate your ID again with a new QR code from your administrator."


class PersonBlocked(ZorgidError):
    code = "ZID-PERSON-BLOCKED"
    status = 403
    cause_nl = "Uw ZORG-ID is geblokkeerd door een beheerder (bijvoorbeeld na verlies van uw telefoon)."
    cause_en = "Your ZORG-ID has been blocked by an administrator (for instance after losing your phone)."
    solution_nl = "Neem contact op met de beheerder van uw organisatie om de blokkade op te heffen."
    solution_en = "Contact your organisation's administrator to lift the block."


class UnlockTokenInvalid(ZorgidError):
    code = "ZID-UNLOCK-TOKEN"
    status = 403
    cause_nl = "Het ID is niet vrijgegeven door de server voor deze handeling."
    cause_en = "The server did not release the ID for this action."
    solution_nl = "Werk de ZORG-ID app bij en probeer het opnieuw."
    solution_en = "Update the ZORG-ID app and try again."


class KeyShareMissing(ZorgidError):
    code = "ZID-KEYSHARE-NONE"
    status = 409
    cause_nl = "Dit ID is geactiveerd met een oudere versie van de app, zonder sleuteldeel op de server."
    cause_en = "This ID was activated with an older version of the app, without a key share on the server."
    solution_nl = "Vraag uw beheerder om een nieuwe QR-code en activeer het ID opnieuw."
    solution_en = "Ask your administrator for a new QR code and activate the ID again."


class DeviceSignatureInvalid(ZorgidError):
    """An unlock not signed by the device key registered at activation: the PIN proof is not even looked at."""

    code = "ZID-DEVICE-SIGNATURE"
    status = 403
    cause_nl = ("Het verzoek is niet ondertekend door de app waarin dit ID is geactiveerd, of het is al eerder "
                "verstuurd. De pincode is niet gecontroleerd.")
    cause_en = ("The request is not signed by the app in which this ID was activated, or it was sent before. "
                "The PIN was not checked.")
    solution_nl = ("Gebruik de app waarin u het ID heeft geactiveerd. Zet de tijd van uw telefoon op automatisch "
                   "en probeer het over enkele minuten opnieuw.")
    solution_en = ("Use the app in which you activated the ID. Set your phone's time to automatic and try again "
                   "in a few minutes.")


class IdMoved(ZorgidError):
    """An unlock signed by the device key this ID had before it was restored from a backup in another app."""

    code = "ZID-ID-MOVED"
    status = 403
    cause_nl = ("Dit ID is vanuit een back-up teruggezet in de ZORG-ID app op een ander apparaat. Deze app kan het "
                "niet meer gebruiken. De pincode is niet gecontroleerd.")
    cause_en = ("This ID was restored from a backup into the ZORG-ID app on another device; this app can no longer "
                "use it. The PIN was not checked.")
    solution_nl = ("Gebruik de app waarin u het ID hebt teruggezet. Hebt u dat niet zelf gedaan? Neem dan direct "
                   "contact op met uw beheerder: die kan het ID intrekken.")
    solution_en = ("Use the app in which you restored the ID. If you did not do that yourself, contact your "
                   "administrator at once: they can revoke the ID.")


class DeviceClockSkew(ZorgidError):
    code = "ZID-DEVICE-CLOCK"
    status = 400
    cause_nl = "De tijd op uw telefoon wijkt te veel af van de tijd van de server. De pincode is niet gecontroleerd."
    cause_en = "The time on your phone differs too much from the server's time. The PIN was not checked."
    solution_nl = "Zet de tijd van uw telefoon op automatisch en probeer het opnieuw."
    solution_en = "Set your phone's time to automatic and try again."


class DeviceKeyMissing(ZorgidError):
    code = "ZID-DEVICE-KEY-NONE"
    status = 409
    cause_nl = "Dit ID is geactiveerd met een oudere versie van de app, zonder apparaatsleutel."
    cause_en = "This ID was activated with an older version of the app, without a device key."
    solution_nl = ("Zet een back-up van uw ID terug in de bijgewerkte app, of vraag uw beheerder om een nieuwe "
                   "QR-code en activeer het ID opnieuw.")
    solution_en = ("Restore a backup of your ID into the updated app, or ask your administrator for a new QR code "
                   "and activate the ID again.")


class PinChangeClockSkew(ZorgidError):
    code = "ZID-PIN-CHANGE-CLOCK"
    status = 400
    cause_nl = ("De tijd op uw telefoon wijkt te veel af van de tijd van de server. De nieuwe pincode is niet "
                "vastgelegd.")
    cause_en = "The time on your phone differs too much from the server's time. The new PIN was not registered."
    solution_nl = "Zet de tijd van uw telefoon op automatisch en zet de back-up opnieuw terug."
    solution_en = "Set your phone's time to automatic and restore the backup again."


class SmartcardProofInvalid(ZorgidError):
    code = "ZID-SMARTCARD-PROOF"
    status = 400
    cause_nl = ("Een sleutel op de kaart heeft zijn bezit niet aangetoond voor deze aanvraag: de handtekening klopt "
                "niet. Er is geen smartcard gemaakt.")
    cause_en = ("A key on the card did not prove possession for this request: the signature does not verify. No "
                "smartcard was made.")
    solution_nl = "Begin opnieuw met het aanmaken van de smartcard, met een nieuwe blanco kaart."
    solution_en = "Start making the smartcard again, with a new blank card."


class SmartcardKeysInvalid(ZorgidError):
    code = "ZID-SMARTCARD-KEYS"
    status = 400
    cause_nl = ("De sleutels van de kaart zijn niet bruikbaar: er zijn drie verschillende RSA-2048-sleutels nodig "
                "(authenticatie, handtekening, vertrouwelijkheid). Er is geen smartcard gemaakt.")
    cause_en = ("The card's keys cannot be used: three different RSA-2048 keys are needed (authentication, signing, "
                "encryption). No smartcard was made.")
    solution_nl = "Gebruik een blanco kaart die RSA-2048-sleutels kan maken, en begin opnieuw."
    solution_en = "Use a blank card that can generate RSA-2048 keys, and start again."


class SmartcardUziNotHis(ZorgidError):
    code = "ZID-SMARTCARD-UZI-PERSON"
    status = 403
    cause_nl = "De UZI-pas staat niet op uw naam, of het UZI-nummer is niet het uwe. Er is geen smartcard gemaakt."
    cause_en = "The UZI card is not in your name, or its UZI number is not yours. No smartcard was made."
    solution_nl = "Gebruik uw eigen UZI-pas."
    solution_en = "Use your own UZI card."


class SmartcardUziInvalid(ZorgidError):
    code = "ZID-SMARTCARD-UZI-INVALID"
    status = 403
    cause_nl = "De UZI-pas is niet (meer) geldig. Er is geen smartcard gemaakt."
    cause_en = "The UZI card is not valid (any more). No smartcard was made."
    solution_nl = "Gebruik een geldige UZI-pas, of vraag een nieuwe aan bij het CIBG."
    solution_en = "Use a valid UZI card, or apply for a new one at the CIBG."


class KeyShareKeyUnknown(ZorgidError):
    """A share sealed by a key this server's keyring lacks (identities/keyring.py): a configuration error."""

    code = "ZID-KEYSHARE-KEY"
    status = 503
    technical_detail = True
    cause_nl = ("De server kan het sleuteldeel van dit ID nu niet openen: de sleutel waarmee het is versleuteld "
                "ontbreekt op deze server. Uw pincode is niet gecontroleerd en er is niets geteld.")
    cause_en = ("The server cannot open this ID's key share now: the key that sealed it is missing on this server. "
                "Your PIN was not checked and nothing was counted.")
    solution_nl = ("Probeer het later opnieuw. Beheerder van de server: zet op elke instantie hetzelfde bestand "
                   "ZORGID_KEYSHARE_KEYS, met elke sleutel die nog een sleuteldeel versleutelt (zorgid keyshare list).")
    solution_en = ("Try again later. Administrator of the server: give every instance the same ZORGID_KEYSHARE_KEYS "
                   "file, with every key that still seals a key share (zorgid keyshare list).")


class KeyringInvalid(ZorgidError):
    code = "ZID-KEYSHARE-KEYRING"
    status = 503
    technical_detail = True
    cause_nl = "Het bestand met de sleutels van de sleuteldelen (ZORGID_KEYSHARE_KEYS) is onleesbaar of onvolledig."
    cause_en = "The file with the key-share keys (ZORGID_KEYSHARE_KEYS) is unreadable or incomplete."
    solution_nl = ("Zet het bestand terug uit de back-up van de server; bewerk het nooit met de hand "
                   "(docs/security.md, de sleutels van de sleuteldelen).")
    solution_en = "Restore the file from the server's backup; never edit it by hand (docs/security.md, key-share keys)."


class KeyShareKeyInUse(ZorgidError):
    code = "ZID-KEYSHARE-KEY-IN-USE"
    status = 409
    technical_detail = True
    cause_nl = "Deze sleutel versleutelt nog sleuteldelen; zonder hem zouden die Mobiele ID's onbruikbaar worden."
    cause_en = "This key still seals key shares; without it those Mobile IDs would become unusable."
    solution_nl = ("Versleutel eerst alle sleuteldelen opnieuw met zorgid keyshare reseal (of use), waar het bestand "
                   "een andere sleutel nieuwe sleuteldelen laat versleutelen, en probeer het dan opnieuw.")
    solution_en = ("First seal every key share again with zorgid keyshare reseal (or use), where the file has another "
                   "key seal new key shares, then try again.")


class KeyShareKeyNewest(ZorgidError):
    code = "ZID-KEYSHARE-KEY-NEWEST"
    status = 409
    technical_detail = True
    cause_nl = "Deze sleutel versleutelt elk nieuw sleuteldeel en kan niet weg."
    cause_en = "This key seals every new key share and cannot be removed."
    solution_nl = ("Laat eerst een andere sleutel nieuwe sleuteldelen versleutelen: zorgid keyshare use NUMMER (of "
                   "een nieuwe sleutel met zorgid keyshare rotate).")
    solution_en = ("First have another key seal new key shares: zorgid keyshare use NUMBER (or a new key with "
                   "zorgid keyshare rotate).")


class KeyShareKeyNotFound(ZorgidError):
    code = "ZID-KEYSHARE-KEY-NOT-FOUND"
    status = 404
    technical_detail = True
    cause_nl = "Er is geen sleutel met dit nummer in het bestand met de sleutels van de sleuteldelen."
    cause_en = "There is no key with this number in the file with the key-share keys."
    solution_nl = "Kijk met zorgid keyshare list welke sleutels er zijn."
    solution_en = "See which keys there are with zorgid keyshare list."
