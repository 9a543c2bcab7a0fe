"""Errors of the flows domain (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class LoginFlowUnknown(ZorgidError):
    code = "ZID-LOGIN-UNKNOWN"
    status = 404
    cause_nl = "Deze inlog-QR-code is onbekend."
    cause_en = "This login QR code is unknown."
    solution_nl = "Ververs het ZORG-ID Portaal en scan de nieuwe QR-code."
    solution_en = "Refresh the ZORG-ID Portal and scan the new QR code."


class LoginFlowExpired(ZorgidError):
    code = "ZID-LOGIN-EXPIRED"
    status = 410
    cause_nl = "De inlog-QR-code is verlopen: hij is 5 minuten geldig."
    cause_en = "The login QR code has expired: it is valid for 5 minutes."
    solution_nl = "Klik in het portaal op de afbeelding om een nieuwe QR-code te tonen en scan die."
    solution_en = "Click the image in the portal to show a new QR code and scan that one."


class LoginFlowUsed(ZorgidError):
    code = "ZID-LOGIN-USED"
    status = 409
    cause_nl = "Deze inlog-QR-code is al gebruikt."
    cause_en = "This login QR code has already been used."
    solution_nl = "Ververs het ZORG-ID Portaal en scan de nieuwe QR-code."
    solution_en = "Refresh the ZORG-ID Portal and scan the new QR code."


class LoginFlowReplaced(ZorgidError):
    code = "ZID-LOGIN-REPLACED"
    status = 409
    cause_nl = ("Deze inlog-QR-code is vervangen: de pagina in de browser is opnieuw geladen en toont een nieuwe "
                "QR-code. Met deze QR-code logt niemand meer in.")
    cause_en = ("This login QR code was replaced: the page in the browser was loaded again and shows a new QR code. "
                "No one would be logged in with this one.")
    solution_nl = "Scan de QR-code die nu in de browser staat."
    solution_en = "Scan the QR code the browser shows now."


class LoginFlowNotYours(ZorgidError):
    code = "ZID-LOGIN-OTHER-BROWSER"
    status = 403
    cause_nl = "Deze inlogpoging is in een andere browser gestart."
    cause_en = "This login attempt was started in another browser."
    solution_nl = "Open het ZORG-ID Portaal opnieuw in deze browser en scan de QR-code die daar staat."
    solution_en = "Open the ZORG-ID Portal again in this browser and scan the QR code shown there."


class LoginClockSkew(ZorgidError):
    code = "ZID-LOGIN-CLOCK"
    status = 400
    cause_nl = "De tijd op uw telefoon wijkt te veel af van de tijd van de server."
    cause_en = "The time on your phone differs too much from the server's time."
    solution_nl = "Zet de tijd van uw telefoon op automatisch en probeer het opnieuw."
    solution_en = "Set your phone's time to automatic and try again."


class CardClockSkew(ZorgidError):
    code = "ZID-CARD-CLOCK"
    status = 400
    cause_nl = "De tijd op uw computer wijkt te veel af van de tijd van de server."
    cause_en = "The time on your computer differs too much from the server's time."
    solution_nl = ("Zet de tijd van uw computer op automatisch, kies in het ZORG-ID Portaal Opnieuw beginnen en "
                   "probeer het opnieuw.")
    solution_en = ("Set your computer's time to automatic, choose Start again (Opnieuw beginnen) in the ZORG-ID Portal "
                   "and try again.")


class CardFlowUnknown(ZorgidError):
    code = "ZID-CARD-UNKNOWN"
    status = 404
    cause_nl = "Deze sessie met de UZI-pas is onbekend."
    cause_en = "This UZI card session is unknown."
    solution_nl = "Kies in het ZORG-ID Portaal Opnieuw beginnen en probeer het opnieuw."
    solution_en = "Choose Start again (Opnieuw beginnen) in the ZORG-ID Portal and try again."


class CardFlowExpired(ZorgidError):
    code = "ZID-CARD-EXPIRED"
    status = 410
    cause_nl = "De sessie met de UZI-pas is verlopen: hij is 5 minuten geldig."
    cause_en = "The UZI card session has expired: it is valid for 5 minutes."
    solution_nl = "Kies in het ZORG-ID Portaal Opnieuw beginnen en probeer het opnieuw."
    solution_en = "Choose Start again (Opnieuw beginnen) in the ZORG-ID Portal and try again."


class CardFlowUsed(ZorgidError):
    code = "ZID-CARD-USED"
    status = 409
    cause_nl = "Deze sessie met de UZI-pas is al gebruikt."
    cause_en = "This UZI card session has already been used."
    solution_nl = "Kies in het ZORG-ID Portaal Opnieuw beginnen en probeer het opnieuw."
    solution_en = "Choose Start again (Opnieuw beginnen) in the ZORG-ID Portal and try again."


class CardFlowNotYours(ZorgidError):
    code = "ZID-CARD-OTHER-BROWSER"
    status = 403
    cause_nl = "Deze sessie met de UZI-pas is in een andere browser gestart."
    cause_en = "This UZI card session was started in another browser."
    solution_nl = "Begin opnieuw in deze browser."
    solution_en = "Start again in this browser."


class CardDeclined(ZorgidError):
    """The holder answered Nee in the Desktop App (cards.decline): what the waiting page says at once."""

    code = "ZID-CARD-DECLINED"
    status = 409
    cause_nl = "U heeft het gebruik van uw pas geweigerd in de ZORG-ID Desktop App."
    cause_en = "You declined the use of your card in the ZORG-ID Desktop App."
    solution_nl = "Wilt u het toch? Kies Opnieuw beginnen en antwoord in de Desktop App met Ja."
    solution_en = ("Do you want it after all? Choose Start again (Opnieuw beginnen) and answer Ja (yes) in the Desktop "
                   "App.")


class CardWrongPurpose(ZorgidError):
    code = "ZID-CARD-PURPOSE"
    status = 400
    cause_nl = "De UZI-pas is gelezen voor een ander doel dan deze sessie."
    cause_en = "The UZI card was read for another purpose than this session."
    solution_nl = "Kies in het ZORG-ID Portaal Opnieuw beginnen en probeer het opnieuw."
    solution_en = "Choose Start again (Opnieuw beginnen) in the ZORG-ID Portal and try again."


class CardTypeNotAllowed(ZorgidError):
    code = "ZID-CARD-TYPE"
    status = 403
    cause_nl = "Met dit soort UZI-pas kan dit niet (een pas niet op naam of een servercertificaat)."
    cause_en = "This kind of UZI card cannot do this (a card not in a person's name, or a server certificate)."
    solution_nl = "Gebruik een UZI-pas op naam: een zorgverlenerpas (Z) of een medewerkerpas op naam (N)."
    solution_en = "Use a UZI card in your name: a care provider card (Z) or a named employee card (N)."


class CardSignatureInvalid(ZorgidError):
    code = "ZID-CARD-SIGNATURE"
    status = 403
    cause_nl = "De handtekening van de UZI-pas klopt niet bij deze sessie."
    cause_en = "The UZI card's signature does not match this session."
    solution_nl = "Kies in het ZORG-ID Portaal Opnieuw beginnen en probeer het opnieuw."
    solution_en = "Choose Start again (Opnieuw beginnen) in the ZORG-ID Portal and try again."


class CardOfOtherPerson(ZorgidError):
    code = "ZID-CARD-OTHER-PERSON"
    status = 403
    cause_nl = "Deze UZI-pas staat op naam van iemand anders dan de persoon van dit ID."
    cause_en = "This UZI card is in the name of someone else than the person of this ID."
    solution_nl = "Gebruik uw eigen UZI-pas."
    solution_en = "Use your own UZI card."


class CardHolderHasNoId(ZorgidError):
    code = "ZID-CARD-NO-ID"
    status = 403
    cause_nl = "Bij deze UZI-pas is nog geen ZORG-ID geregistreerd."
    cause_en = "No ZORG-ID has been registered for this UZI card yet."
    solution_nl = "Registreer eerst uw ID: kies Registreren onder de QR-code op de startpagina."
    solution_en = "Register your ID first: choose Register (Registreren) below the QR code on the start page."


# --- a ZORG-ID Smartcard in a card session (cards._validated_smartcard) ---


class CardSmartcardNotAllowed(ZorgidError):
    code = "ZID-CARD-SMARTCARD"
    status = 403
    cause_nl = "Dit kan alleen met een UZI-pas, niet met een ZORG-ID Smartcard."
    cause_en = "This can only be done with a UZI card, not with a ZORG-ID Smartcard."
    solution_nl = "Plaats uw UZI-pas in de lezer en kies in het ZORG-ID Portaal Opnieuw beginnen."
    solution_en = "Put your UZI card in the reader and choose Start again (Opnieuw beginnen) in the ZORG-ID Portal."


class CardSmartcardUnknown(ZorgidError):
    code = "ZID-CARD-SMARTCARD-UNKNOWN"
    status = 403
    cause_nl = "Deze ZORG-ID Smartcard is niet door deze installatie van ZORG-ID uitgegeven."
    cause_en = "This ZORG-ID Smartcard was not issued by this installation of ZORG-ID."
    solution_nl = "Gebruik een ZORG-ID Smartcard die u in dit ZORG-ID Portaal hebt aangemaakt, of maak een nieuwe."
    solution_en = "Use a ZORG-ID Smartcard you made in this ZORG-ID Portal, or make a new one."


class CardSmartcardBlocked(ZorgidError):
    code = "ZID-CARD-SMARTCARD-BLOCKED"
    status = 403
    cause_nl = "Deze ZORG-ID Smartcard is geblokkeerd."
    cause_en = "This ZORG-ID Smartcard is blocked."
    solution_nl = "Vraag de beheerder van uw organisatie of de servicedesk om de blokkade op te heffen."
    solution_en = "Ask your organisation's beheerder or the service desk to lift the block."


class CardSmartcardRevoked(ZorgidError):
    code = "ZID-CARD-SMARTCARD-REVOKED"
    status = 403
    cause_nl = "Deze ZORG-ID Smartcard is ingetrokken en kan niet meer worden gebruikt."
    cause_en = "This ZORG-ID Smartcard has been revoked and can no longer be used."
    solution_nl = "Maak met uw UZI-pas een nieuwe ZORG-ID Smartcard aan in het ZORG-ID Portaal."
    solution_en = "Make a new ZORG-ID Smartcard with your UZI card in the ZORG-ID Portal."


class CardSmartcardSuperseded(ZorgidError):
    code = "ZID-CARD-SMARTCARD-SUPERSEDED"
    status = 403
    cause_nl = "U hebt een nieuwere ZORG-ID Smartcard: deze oude kaart is daardoor ingetrokken."
    cause_en = "You have a newer ZORG-ID Smartcard: this old card has been revoked because of it."
    solution_nl = "Gebruik uw nieuwste ZORG-ID Smartcard."
    solution_en = "Use your newest ZORG-ID Smartcard."
