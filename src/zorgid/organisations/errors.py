"""Errors of the organisations domain (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class OrganisationDataInvalid(ZorgidError):
    code = "ZID-ORG-INVALID"
    status = 400
    cause_nl = "De gegevens van de organisatie zijn onvolledig of ongeldig."
    cause_en = "The organisation's data are incomplete or invalid."
    solution_nl = "Vul een naam in, een URA van 8 cijfers en een KvK-nummer van 8 cijfers."
    solution_en = "Enter a name, a URA of 8 digits and a Chamber of Commerce number of 8 digits."


class OrganisationExists(ZorgidError):
    code = "ZID-ORG-EXISTS"
    status = 409
    cause_nl = "Er is al een organisatie met dit URA."
    cause_en = "An organisation with this URA already exists."
    solution_nl = "Zoek de bestaande organisatie op in het overzicht van organisaties."
    solution_en = "Look up the existing organisation in the list of organisations."


class OrganisationNotRegistered(ZorgidError):
    code = "ZID-ORG-NOT-REGISTERED"
    status = 403
    cause_nl = "De organisatie op uw UZI-pas (URA) is nog niet aangemeld bij ZORG-ID."
    cause_en = "The organisation on your UZI card (URA) has not yet registered with ZORG-ID."
    solution_nl = "Uw organisatie moet zich eerst aanmelden bij ZORG-ID. Neem contact op met uw beheerder."
    solution_en = "Your organisation must register with ZORG-ID first. Contact your administrator."


class EmployeeUnknown(ZorgidError):
    code = "ZID-EMPLOYEE-UNKNOWN"
    status = 404
    cause_nl = "Deze persoon of dit ID hoort niet bij uw organisatie."
    cause_en = "This person or ID does not belong to your organisation."
    solution_nl = "Zoek de medewerker op in de lijst van medewerkers van uw organisatie."
    solution_en = "Look the employee up in your organisation's list of employees."


class LastAdministrator(ZorgidError):
    code = "ZID-ORG-LAST-ADMINISTRATOR"
    status = 409
    cause_nl = "Dit is de laatste portaal administrator van de organisatie."
    cause_en = "This is the organisation's last portal administrator."
    solution_nl = "Wijs eerst een andere administrator aan; daarna kan deze rol worden overgedragen."
    solution_en = "Appoint another administrator first; then this role can be handed over."


class WidDocumentExpired(ZorgidError):
    code = "ZID-WID-EXPIRED"
    status = 400
    cause_nl = "Het identiteitsbewijs is verlopen."
    cause_en = "The identity document has expired."
    solution_nl = "Controleer een geldig identiteitsbewijs: paspoort, identiteitskaart, rijbewijs, verblijfsdocument."
    solution_en = "Check a valid identity document (passport, identity card, driving licence or residence document)."


class EmployeeListPageUnknown(ZorgidError):
    code = "ZID-EMPLOYEE-LIST-PAGE"
    status = 400
    cause_nl = ("Deze pagina van de lijst van medewerkers bestaat niet (meer): de link klopt niet, of de medewerker "
                "waar de pagina begon staat niet meer in de lijst.")
    cause_en = ("This page of the list of employees does not exist (any more): the link is wrong, or the employee "
                "the page started from is no longer on the list.")
    solution_nl = "Begin bij de eerste pagina, of zoek de medewerker op naam, geboortedatum of UZI-nummer."
    solution_en = "Start from the first page, or search for the employee by name, birth date or UZI number."


class EmployeeDeleteUnconfirmed(ZorgidError):
    code = "ZID-EMPLOYEE-DELETE-CONFIRM"
    status = 400
    cause_nl = "Het verwijderen van de medewerker is niet bevestigd; er is niets verwijderd."
    cause_en = "Removing the employee was not confirmed; nothing has been removed."
    solution_nl = ("Vink op de pagina van de medewerker aan dat u hem wilt verwijderen (is dit zijn laatste "
                   "organisatie, dan wordt zijn ID ingetrokken) en klik opnieuw op Verwijderen.")
    solution_en = ("On the employee's page, tick that you want to remove him (if this is his last organisation, his ID "
                   "is revoked) and click Remove again.")
