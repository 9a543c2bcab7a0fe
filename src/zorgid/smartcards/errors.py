"""Errors of the smartcard use cases (R-ERR): each with its code, cause and solution (listed at /foutmeldingen)."""

from zorgid.protocol.errors import ZorgidError

# --- making a smartcard (making.py) ---


class SmartcardNoOrganisation(ZorgidError):
    code = "ZID-SMARTCARD-NO-ORGANISATION"
    status = 403
    cause_nl = ("U kunt hier geen ZORG-ID Smartcard aanmaken: u bent geen medewerker van deze organisatie, of van "
                "geen enkele organisatie die bij ZORG-ID is aangemeld.")
    cause_en = ("You cannot make a ZORG-ID Smartcard here: you are no employee of this organisation, or of any "
                "organisation registered with ZORG-ID.")
    solution_nl = "Kies een organisatie waar u werkt, of vraag uw beheerder u als medewerker toe te voegen."
    solution_en = "Choose an organisation you work for, or ask your beheerder to add you as an employee."


class SmartcardNotAUziPas(ZorgidError):
    code = "ZID-SMARTCARD-NOT-UZI"
    status = 403
    cause_nl = ("U heeft een ZORG-ID Smartcard gebruikt. Een nieuwe smartcard maakt u alleen met uw eigen UZI-pas. "
                "Er is geen smartcard gemaakt.")
    cause_en = ("You used a ZORG-ID Smartcard. A new smartcard is made with your own UZI card only. No smartcard "
                "was made.")
    solution_nl = "Plaats uw UZI-pas in de lezer en kies Opnieuw beginnen."
    solution_en = "Put your UZI card in the reader and choose Start again (Opnieuw beginnen)."


class SmartcardUziNotRead(ZorgidError):
    code = "ZID-SMARTCARD-NOT-READ"
    status = 409
    cause_nl = ("Uw UZI-pas is voor deze aanvraag nog niet (goed) gelezen, dus de sleutels van de blanco kaart "
                "kunnen nog niet worden gecertificeerd. Er is geen smartcard gemaakt.")
    cause_en = ("Your UZI card has not been read (successfully) for this request, so the blank card's keys cannot "
                "be certified yet. No smartcard was made.")
    solution_nl = "Lees eerst uw UZI-pas met de ZORG-ID Desktop App, en begin zo nodig opnieuw in het portaal."
    solution_en = "Read your UZI card with the ZORG-ID Desktop App first, and start again in the portal if needed."


class SmartcardMakerBlocked(ZorgidError):
    code = "ZID-SMARTCARD-BLOCKED"
    status = 403
    cause_nl = "Uw ZORG-ID is geblokkeerd; u kunt daarom geen ZORG-ID Smartcard aanmaken. Er is geen smartcard gemaakt."
    cause_en = "Your ZORG-ID is blocked; so you cannot make a ZORG-ID Smartcard. No smartcard was made."
    solution_nl = "Vraag de beheerder van uw organisatie of de servicedesk om de blokkade op te heffen."
    solution_en = "Ask your organisation's beheerder or the service desk to lift the block."


class SmartcardKeysNotBound(ZorgidError):
    code = "ZID-SMARTCARD-KEYS-NOT-BOUND"
    status = 403
    cause_nl = ("De sleutels komen niet van de ZORG-ID Desktop App die uw UZI-pas voor deze aanvraag las. Er is geen "
                "smartcard gemaakt.")
    cause_en = ("The keys do not come from the ZORG-ID Desktop App that read your UZI card for this request. No "
                "smartcard was made.")
    solution_nl = ("Maak de smartcard in één keer met de Desktop App die het portaal opent; werk de Desktop App bij "
                   "als hij dit blijft melden.")
    solution_en = ("Make the smartcard in one go with the Desktop App the portal opens; update the Desktop App if it "
                   "keeps reporting this.")


# --- logging in with a smartcard (login.py) ---


class SmartcardLoginNotSmartcard(ZorgidError):
    code = "ZID-SMARTCARD-LOGIN-UZI"
    status = 403
    cause_nl = "U kunt hier alleen inloggen met een ZORG-ID Smartcard, niet met een UZI-pas."
    cause_en = "You can only log in here with a ZORG-ID Smartcard, not with a UZI card."
    solution_nl = ("Plaats uw ZORG-ID Smartcard in de lezer en kies Opnieuw beginnen. Hebt u er nog geen? Log in met "
                   "de ZORG-ID app en maak er een aan met uw UZI-pas.")
    solution_en = ("Put your ZORG-ID Smartcard in the reader and choose Start again (Opnieuw beginnen). None yet? Log "
                   "in with the ZORG-ID app and make one with your UZI card.")


class SmartcardLoginUnknown(ZorgidError):
    code = "ZID-SMARTCARD-LOGIN-UNKNOWN"
    status = 403
    cause_nl = "Deze ZORG-ID Smartcard is bij ZORG-ID niet bekend."
    cause_en = "This ZORG-ID Smartcard is not known to ZORG-ID."
    solution_nl = "Gebruik de ZORG-ID Smartcard die u in dit ZORG-ID Portaal hebt aangemaakt, of maak een nieuwe."
    solution_en = "Use the ZORG-ID Smartcard you made in this ZORG-ID Portal, or make a new one."


class SmartcardLoginRevoked(ZorgidError):
    code = "ZID-SMARTCARD-LOGIN-REVOKED"
    status = 403
    cause_nl = "Deze ZORG-ID Smartcard is ingetrokken en kan niet meer worden gebruikt."
    cause_en = "This ZORG-ID Smartcard has been revoked and can no longer be used."
    solution_nl = "Log in met de ZORG-ID app en maak met uw UZI-pas een nieuwe ZORG-ID Smartcard aan."
    solution_en = "Log in with the ZORG-ID app and make a new ZORG-ID Smartcard with your UZI card."


class SmartcardLoginSuperseded(ZorgidError):
    code = "ZID-SMARTCARD-LOGIN-SUPERSEDED"
    status = 403
    cause_nl = "U hebt een nieuwere ZORG-ID Smartcard: deze oude kaart is daardoor ingetrokken."
    cause_en = "You have a newer ZORG-ID Smartcard: this old card has been revoked because of it."
    solution_nl = "Gebruik uw nieuwste ZORG-ID Smartcard."
    solution_en = "Use your newest ZORG-ID Smartcard."


class SmartcardLoginBlocked(ZorgidError):
    code = "ZID-SMARTCARD-LOGIN-BLOCKED"
    status = 403
    cause_nl = "Uw ZORG-ID is geblokkeerd; met uw ZORG-ID Smartcard kunt u daarom niet inloggen."
    cause_en = "Your ZORG-ID is blocked; so you cannot log in with your ZORG-ID Smartcard."
    solution_nl = "Vraag de beheerder van uw organisatie of de servicedesk om de blokkade op te heffen."
    solution_en = "Ask your organisation's beheerder or the service desk to lift the block."
