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


class OperatorOnly(ZorgidError):
    code = "ZID-EMPLOYEE-OPERATOR-ONLY"
    status = 403
    cause_nl = ("Deze persoon heeft de rol operator (servicedesk van ZORG-ID). Een nieuwe QR-code, blokkeren, "
                "verwijderen, een ID intrekken of zijn gegevens corrigeren mag bij hem alleen een operator.")
    cause_en = ("This person holds the operator role (the ZORG-ID service desk). Only an operator may issue him a new "
                "QR code, block, remove him, revoke his ID or correct his data.")
    solution_nl = "Vraag de servicedesk van ZORG-ID (een andere operator) om dit te doen."
    solution_en = "Ask the ZORG-ID service desk (another operator) to do this."


class AdministratorOnly(ZorgidError):
    code = "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"
    status = 403
    cause_nl = ("Deze persoon is portaal administrator of portaal beheerder van de organisatie. Een nieuwe QR-code, "
                "blokkeren, verwijderen, een ID intrekken of zijn gegevens corrigeren mag bij hem alleen een portaal "
                "administrator van de organisatie.")
    cause_en = ("This person is a portal administrator or portal beheerder of the organisation. Only a portal "
                "administrator of the organisation may issue him a new QR code, block, remove him, revoke his ID or "
                "correct his data.")
    solution_nl = "Vraag een portaal administrator van de organisatie (of de servicedesk van ZORG-ID) om dit te doen."
    solution_en = "Ask a portal administrator of the organisation (or the ZORG-ID service desk) to do this."


class ManagedElsewhere(ZorgidError):
    code = "ZID-EMPLOYEE-OTHER-ORGANISATION"
    status = 403
    cause_nl = ("Deze persoon heeft ook een rol bij een andere organisatie, die u niet beheert. Zijn ID geldt ook "
                "daar; daarom mag u dit niet doen.")
    cause_en = ("This person also holds a role in another organisation, which you do not manage. His ID counts there "
                "too; so you may not do this.")
    solution_nl = ("Vraag de beheerder of administrator van die andere organisatie, of de servicedesk van ZORG-ID, "
                   "om dit te doen.")
    solution_en = ("Ask the beheerder or administrator of that other organisation, or the ZORG-ID service desk, "
                   "to do this.")


# Organisation validation with a UZI-pas and requests to become administrator (docs/security.md)


class ValidationNeedsZorgverlenerspas(ZorgidError):
    code = "ZID-ORG-VALIDATE-CARD-TYPE"
    status = 403
    cause_nl = ("Een organisatie valideren of vragen om administrator te worden kan alleen met een "
                "zorgverlenerspas (Z), niet met een medewerkerpas.")
    cause_en = ("Validating an organisation or asking to become its administrator requires a care provider card "
                "(zorgverlenerspas, Z), not an employee card.")
    solution_nl = "Gebruik uw eigen UZI-zorgverlenerspas op naam van deze organisatie."
    solution_en = "Use your own UZI care provider card issued for this organisation."


class OrganisationAlreadyValidated(ZorgidError):
    code = "ZID-ORG-VALIDATED"
    status = 409
    cause_nl = "Deze organisatie is al gevalideerd. Een organisatie wordt één keer gevalideerd."
    cause_en = "This organisation has already been validated. An organisation is validated once."
    solution_nl = ("Wilt u administrator worden? Vraag het aan op deze pagina: een administrator van de organisatie "
                   "of de servicedesk beslist over uw verzoek.")
    solution_en = ("Do you want to become an administrator? Ask for it on this page: an administrator of the "
                   "organisation or the service desk decides on your request.")


class ValidationNotByTheAdministrator(ZorgidError):
    code = "ZID-ORG-VALIDATE-NOT-ADMINISTRATOR"
    status = 403
    cause_nl = ("Alleen de portaal administrator die in de aanvraag van deze organisatie staat, kan de organisatie "
                "valideren, met zijn eigen zorgverlenerspas.")
    cause_en = ("Only the portal administrator named in this organisation's application can validate the "
                "organisation, with his own care provider card.")
    solution_nl = ("Laat de administrator uit de aanvraag valideren. Wilt u zelf administrator worden? Vraag het "
                   "aan op deze pagina.")
    solution_en = ("Let the administrator named in the application validate. Do you want to become an administrator "
                   "yourself? Ask for it on this page.")


class ValidationAdministratorNotKnown(ZorgidError):
    code = "ZID-ORG-VALIDATE-NO-ADMINISTRATOR"
    status = 409
    cause_nl = ("De aanvraag van deze organisatie noemt nog geen portaal administrator: het vervolgformulier is nog "
                "niet ingevuld.")
    cause_en = ("This organisation's application does not name a portal administrator yet: the follow-up form has "
                "not been filled in.")
    solution_nl = ("De administrator vult eerst het vervolgformulier in (de link staat in zijn e-mail) en valideert "
                   "daarna met zijn eigen zorgverlenerspas.")
    solution_en = ("The administrator first fills in the follow-up form (the link is in his e-mail) and then "
                   "validates with his own care provider card.")


class OrganisationHasAdministrators(ZorgidError):
    code = "ZID-ORG-HAS-ADMINISTRATORS"
    status = 409
    cause_nl = "Deze organisatie heeft al een portaal administrator; valideren kan dan niet meer."
    cause_en = "This organisation already has a portal administrator; it can no longer be validated."
    solution_nl = ("Wilt u administrator worden? Vraag het aan op deze pagina: een administrator van de organisatie "
                   "of de servicedesk beslist over uw verzoek.")
    solution_en = ("Do you want to become an administrator? Ask for it on this page: an administrator of the "
                   "organisation or the service desk decides on your request.")


class AdministratorRequestOpen(ZorgidError):
    code = "ZID-ORG-ADMIN-REQUEST-OPEN"
    status = 409
    cause_nl = "U heeft al gevraagd om administrator van deze organisatie te worden; daarover is nog niet beslist."
    cause_en = "You have already asked to become an administrator of this organisation; it has not been decided yet."
    solution_nl = "Wacht op het besluit van een administrator van de organisatie of van de servicedesk."
    solution_en = "Wait for the decision of an administrator of the organisation or of the service desk."


class AlreadyAdministrator(ZorgidError):
    code = "ZID-ORG-ALREADY-ADMINISTRATOR"
    status = 409
    cause_nl = "U bent al portaal administrator van deze organisatie."
    cause_en = "You are already a portal administrator of this organisation."
    solution_nl = "Log in met uw ZORG-ID app; de organisatie staat op uw overzicht."
    solution_en = "Log in with your ZORG-ID app; the organisation is on your overview."


class AdministratorRequestUnknown(ZorgidError):
    code = "ZID-ORG-ADMIN-REQUEST-UNKNOWN"
    status = 404
    cause_nl = "Dit verzoek om administrator te worden bestaat niet bij deze organisatie."
    cause_en = "This request to become an administrator does not exist in this organisation."
    solution_nl = "Open de lijst van verzoeken van de organisatie opnieuw."
    solution_en = "Open the organisation's list of requests again."


class AdministratorRequestDecided(ZorgidError):
    code = "ZID-ORG-ADMIN-REQUEST-DECIDED"
    status = 409
    cause_nl = "Over dit verzoek om administrator te worden is al beslist."
    cause_en = "This request to become an administrator has already been decided."
    solution_nl = "Open de lijst van verzoeken van de organisatie opnieuw; het besluit staat in de auditlog."
    solution_en = "Open the organisation's list of requests again; the decision is in the audit log."


class AdministratorRequestDecisionMissing(ZorgidError):
    code = "ZID-ORG-ADMIN-REQUEST-DECISION"
    status = 400
    cause_nl = "Er is niet gekozen tussen Goedkeuren en Afwijzen."
    cause_en = "Neither Approve nor Decline was chosen."
    solution_nl = "Open de lijst van verzoeken opnieuw en klik bij het verzoek op Goedkeuren of Afwijzen."
    solution_en = "Open the list of requests again and click Approve or Decline at the request."


class AdministratorRequestNotYours(ZorgidError):
    code = "ZID-ORG-ADMIN-REQUEST-NOT-YOURS"
    status = 403
    cause_nl = ("Alleen een portaal administrator van deze organisatie of de servicedesk beslist over verzoeken om "
                "administrator te worden; een beheerder niet.")
    cause_en = ("Only a portal administrator of this organisation or the service desk decides on requests to become "
                "an administrator; a beheerder does not.")
    solution_nl = "Vraag een administrator van de organisatie om over het verzoek te beslissen."
    solution_en = "Ask an administrator of the organisation to decide on the request."


# --- ZORG-ID Smartcard links (organisations.smartcard_links) ---

class SmartcardLinkCardRevoked(ZorgidError):
    code = "ZID-SMARTCARD-LINK-REVOKED"
    status = 409
    cause_nl = "Deze ZORG-ID Smartcard is ingetrokken."
    cause_en = "This ZORG-ID Smartcard has been revoked."
    solution_nl = "Een ingetrokken smartcard kan niet meer worden gebruikt. De medewerker maakt een nieuwe aan."
    solution_en = "A revoked smartcard cannot be used again. The employee makes a new one."


class SmartcardLinkWidMissing(ZorgidError):
    code = "ZID-SMARTCARD-LINK-WID"
    status = 400
    cause_nl = "Voor het koppelen van een smartcard is een WID-controle van deze medewerker nodig."
    cause_en = "Linking a smartcard needs a check of this employee's identity document (WID)."
    solution_nl = ("Controleer het identiteitsbewijs van de medewerker en vul het type, de laatste 4 tekens en de "
                   "vervaldatum in.")
    solution_en = "Check the employee's identity document and enter its type, last 4 characters and expiry date."


class SmartcardNotLinked(ZorgidError):
    code = "ZID-SMARTCARD-LINK-NONE"
    status = 404
    cause_nl = "Deze ZORG-ID Smartcard is niet aan uw organisatie gekoppeld."
    cause_en = "This ZORG-ID Smartcard is not linked to your organisation."
    solution_nl = "Zoek de medewerker op in de lijst van medewerkers van uw organisatie."
    solution_en = "Look the employee up in your organisation's list of employees."


class SmartcardNoneActive(ZorgidError):
    code = "ZID-SMARTCARD-NONE-ACTIVE"
    status = 404
    cause_nl = "Er is geen actieve ZORG-ID Smartcard."
    cause_en = "There is no active ZORG-ID Smartcard."
    solution_nl = "Een smartcard die al is ingetrokken, hoeft niet opnieuw te worden ingetrokken of gekoppeld."
    solution_en = "A smartcard that was revoked already need not be revoked or linked again."
