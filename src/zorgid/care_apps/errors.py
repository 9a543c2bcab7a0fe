"""Errors of the register of healthcare applications (docs/architecture.md: errors are classes with codes)."""

from zorgid.protocol.errors import ZorgidError

# The rules every login at an application checks (docs/koppelen.md).


class CareAppUnknown(ZorgidError):
    code = "ZID-CARE-APP-UNKNOWN"
    status = 400
    cause_nl = "Deze zorgapplicatie is niet bekend in het register van ZORG-ID."
    cause_en = "This healthcare application is not known in the ZORG-ID register."
    solution_nl = ("Controleer de client_id die de applicatie gebruikt, of vraag de leverancier de applicatie bij "
                   "ZORG-ID te laten registreren. De geaccepteerde applicaties staan op /applicaties.")
    solution_en = ("Check the client_id the application uses, or ask the supplier to have the application registered "
                   "with ZORG-ID. The accepted applications are listed at /applicaties.")


class CareAppSuspended(ZorgidError):
    code = "ZID-CARE-APP-SUSPENDED"
    status = 403
    cause_nl = "Deze zorgapplicatie is tijdelijk opgeschort: er kan nu niet mee worden ingelogd met ZORG-ID."
    cause_en = "This healthcare application has been suspended: it cannot log in with ZORG-ID for now."
    solution_nl = "Neem contact op met de leverancier van de applicatie."
    solution_en = "Contact the supplier of the application."


class CareAppWithdrawn(ZorgidError):
    code = "ZID-CARE-APP-WITHDRAWN"
    status = 403
    cause_nl = "De acceptatie van deze zorgapplicatie is ingetrokken: er kan niet meer mee worden ingelogd met ZORG-ID."
    cause_en = "The acceptance of this healthcare application has been withdrawn: it can no longer log in with ZORG-ID."
    solution_nl = "Neem contact op met de leverancier van de applicatie."
    solution_en = "Contact the supplier of the application."


class RedirectUriNotRegistered(ZorgidError):
    code = "ZID-CARE-APP-REDIRECT-URI"
    status = 400
    cause_nl = "Het terugkeeradres (redirect_uri) is niet geregistreerd voor deze zorgapplicatie."
    cause_en = "The return address (redirect_uri) is not registered for this healthcare application."
    solution_nl = ("De leverancier moet precies een van de geregistreerde adressen gebruiken, of het adres laten "
                   "registreren bij de beheerder van ZORG-ID.")
    solution_en = ("The supplier must use exactly one of the registered addresses, or have the address registered "
                   "by the operator of ZORG-ID.")


class CareAppVersionRefused(ZorgidError):
    code = "ZID-CARE-APP-VERSION"
    status = 403
    cause_nl = "Deze versie van de zorgapplicatie is niet geaccepteerd voor ZORG-ID."
    cause_en = "This version of the healthcare application has not been accepted for ZORG-ID."
    solution_nl = ("Werk de applicatie bij naar een geaccepteerde versie; de geaccepteerde versies staan op "
                   "/applicaties. Neem zo nodig contact op met de leverancier.")
    solution_en = ("Update the application to an accepted version; the accepted versions are listed at /applicaties. "
                   "Contact the supplier if needed.")


class CareAppProductNotSupported(ZorgidError):
    code = "ZID-CARE-APP-PRODUCT"
    status = 403
    cause_nl = "Deze zorgapplicatie is niet geaccepteerd voor dit ZORG-ID-product."
    cause_en = "This healthcare application has not been accepted for this ZORG-ID product."
    solution_nl = ("Log in met een product dat de applicatie ondersteunt (zie /applicaties), of neem contact op met de "
                   "leverancier.")
    solution_en = "Log in with a product the application supports (see /applicaties), or contact the supplier."


# The operator's register.


class CareAppInputError(ZorgidError):
    """Input the register refuses; ``field`` names the item (add_application's parameter), so a form can show the
    error at that field."""

    def __init__(self, detail: str = "", field: str = "") -> None:
        super().__init__(detail)
        self.field = field


class CareAppDataInvalid(CareAppInputError):
    code = "ZID-CARE-APP-INVALID"
    status = 400
    cause_nl = "De gegevens van de zorgapplicatie zijn onvolledig of ongeldig."
    cause_en = "The data of the healthcare application is incomplete or invalid."
    solution_nl = "Controleer de gegevens (de toelichting zegt welk gegeven) en probeer het opnieuw."
    solution_en = "Check the data (the detail says which item) and try again."


class CareAppRedirectUriInvalid(CareAppInputError):
    code = "ZID-CARE-APP-URI-INVALID"
    status = 400
    cause_nl = "Een adres van de zorgapplicatie is ongeldig."
    cause_en = "An address of the healthcare application is invalid."
    solution_nl = ("Geef een volledig adres zonder fragment (#); in productie alleen https, in acceptatie ook http "
                   "op de eigen computer (127.0.0.1, [::1] of localhost). Ten hoogste 10 adressen per soort.")
    solution_en = ("Give a complete address without a fragment (#); in production https only, in acceptance also "
                   "http on the own computer (127.0.0.1, [::1] or localhost). At most 10 addresses of each kind.")


class CareAppJwksInvalid(CareAppInputError):
    code = "ZID-CARE-APP-JWKS"
    status = 400
    cause_nl = "De sleutelset (JWKS) van de zorgapplicatie is ongeldig."
    cause_en = "The key set (JWKS) of the healthcare application is invalid."
    solution_nl = ("Geef een JSON-object met \"keys\": alleen publieke sleutels (RSA van ten minste 2048 bits of EC "
                   "P-256), elk met een eigen \"kid\", samen ten hoogste 64 KiB. Geef nooit een private sleutel.")
    solution_en = ("Give a JSON object with \"keys\": public keys only (RSA of at least 2048 bits or EC P-256), each "
                   "with its own \"kid\", at most 64 KiB together. Never give a private key.")


class CareAppAuthenticationInvalid(CareAppInputError):
    code = "ZID-CARE-APP-AUTHENTICATION"
    status = 400
    cause_nl = "De zorgapplicatie heeft niet precies één manier om zich aan te melden bij ZORG-ID."
    cause_en = "The healthcare application does not have exactly one way to authenticate to ZORG-ID."
    solution_nl = ("Geef precies één van: een sleutelset (JWKS), het adres van een sleutelset (jwks_uri), de URA van "
                   "het UZI-servercertificaat of de subject-DN van het certificaat van de leverancier.")
    solution_en = ("Give exactly one of: a key set (JWKS), the address of a key set (jwks_uri), the URA of the UZI "
                   "server certificate or the subject DN of the supplier's certificate.")


class CareAppVersionInvalid(CareAppInputError):
    code = "ZID-CARE-APP-VERSION-INVALID"
    status = 400
    cause_nl = "Het versienummer van de zorgapplicatie is ongeldig."
    cause_en = "The version number of the healthcare application is invalid."
    solution_nl = "Geef ten minste één versie van 1 tot 32 tekens: cijfers, letters, punt, plus of streepje."
    solution_en = "Give at least one version of 1 to 32 characters: digits, letters, dot, plus or hyphen."


class CareAppStateConflict(ZorgidError):
    code = "ZID-CARE-APP-STATE"
    status = 409
    cause_nl = "Deze wijziging past niet bij de huidige status van de zorgapplicatie."
    cause_en = "This change does not fit the current status of the healthcare application."
    solution_nl = ("Bekijk de status van de applicatie. Een ingetrokken applicatie blijft ingetrokken: registreer "
                   "haar zo nodig opnieuw.")
    solution_en = ("Look at the status of the application. A withdrawn application stays withdrawn: register it again "
                   "if needed.")


class CareAppNotFound(ZorgidError):
    code = "ZID-CARE-APP-NOT-FOUND"
    status = 404
    cause_nl = "Er is geen zorgapplicatie met deze client_id in het register."
    cause_en = "There is no healthcare application with this client_id in the register."
    solution_nl = "Controleer de client_id; zie de lijst met 'zorgid apps list' of op /beheer/applicaties."
    solution_en = "Check the client_id; see the list with 'zorgid apps list' or at /beheer/applicaties."
