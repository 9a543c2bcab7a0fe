"""Errors of reading and trusting UZI certificates (R-CRED-UZI, R-ERR).

One class per refusal, each with its own stable code, so a card session, the portal and ``zorgid uzi
verify`` can say exactly why a UZI-pas was not accepted. ``detail`` names the field or the check.
"""

from zorgid.protocol.errors import ZorgidError


class UziError(ZorgidError):
    """Grouping class (no code of its own): every refusal of a UZI certificate."""


class UziCertificateUnreadable(UziError):
    code = "ZID-UZI-UNREADABLE"
    status = 400
    cause_nl = "Het certificaat is onleesbaar: geen PEM- of DER-certificaat, of te groot."
    cause_en = "The certificate is unreadable: not a PEM or DER certificate, or too large."
    solution_nl = "Lever het certificaat van de UZI-pas aan als PEM- of DER-bestand (.cer, .crt of .pem)."
    solution_en = "Supply the UZI card's certificate as a PEM or DER file (.cer, .crt or .pem)."


class UziNotUzi(UziError):
    code = "ZID-UZI-NOT-UZI"
    status = 400
    cause_nl = "Dit is geen UZI-certificaat: het bevat geen UZI-gegevens (otherName 2.5.5.5)."
    cause_en = "This is not a UZI certificate: it holds no UZI data (otherName 2.5.5.5)."
    solution_nl = "Gebruik een UZI-pas of UZI-servercertificaat van het UZI-register."
    solution_en = "Use a UZI card or UZI server certificate issued by the UZI register."


class UziMalformed(UziError):
    code = "ZID-UZI-MALFORMED"
    status = 400
    cause_nl = "Het UZI-certificaat heeft een ontbrekend of ongeldig gegeven (zie detail)."
    cause_en = "The UZI certificate has a missing or malformed field (see detail)."
    solution_nl = ("Gebruik een geldige UZI-pas of een geldig UZI-servercertificaat. Blijft de fout, neem dan "
                   "contact op met het UZI-register.")
    solution_en = "Use a valid UZI card or UZI server certificate. If the error persists, contact the UZI register."


class UziUntrusted(UziError):
    code = "ZID-UZI-UNTRUSTED"
    status = 403
    cause_nl = "Het UZI-certificaat is niet uitgegeven door een vertrouwde UZI-CA van deze omgeving."
    cause_en = "The UZI certificate was not issued by a trusted UZI CA of this environment."
    solution_nl = ("Gebruik een UZI-pas van deze omgeving (test-passen alleen in acceptatie). Is de pas echt, "
                   "vraag de beheerder dan de UZI-CA's in de vertrouwenslijst te zetten.")
    solution_en = ("Use a UZI card of this environment (test cards in acceptatie only). If the card is genuine, "
                   "ask the operator to install the UZI CAs in the trust store.")


class UziExpired(UziError):
    code = "ZID-UZI-EXPIRED"
    status = 403
    cause_nl = "Het UZI-certificaat (of een CA-certificaat erboven) is verlopen."
    cause_en = "The UZI certificate (or a CA certificate above it) has expired."
    solution_nl = "Vraag een nieuwe UZI-pas of een nieuw UZI-servercertificaat aan bij het UZI-register."
    solution_en = "Request a new UZI card or UZI server certificate from the UZI register."


class UziNotYetValid(UziError):
    code = "ZID-UZI-NOT-YET-VALID"
    status = 403
    cause_nl = "Het UZI-certificaat (of een CA-certificaat erboven) is nog niet geldig."
    cause_en = "The UZI certificate (or a CA certificate above it) is not valid yet."
    solution_nl = "Wacht tot de ingangsdatum van de pas, of controleer de klok van uw computer."
    solution_en = "Wait until the card's start date, or check your computer's clock."


class UziRevoked(UziError):
    code = "ZID-UZI-REVOKED"
    status = 403
    cause_nl = "Het UZI-certificaat is ingetrokken door het UZI-register."
    cause_en = "The UZI certificate has been revoked by the UZI register."
    solution_nl = ("Dit certificaat kan niet meer worden gebruikt. Vraag een nieuwe UZI-pas of een nieuw "
                   "UZI-servercertificaat aan.")
    solution_en = "This certificate can no longer be used. Request a new UZI card or UZI server certificate."


class UziKeyUsage(UziError):
    code = "ZID-UZI-KEY-USAGE"
    status = 403
    cause_nl = "Dit certificaat van de UZI-pas is niet bedoeld voor dit gebruik (sleutelgebruik)."
    cause_en = "This certificate of the UZI card is not meant for this use (key usage)."
    solution_nl = ("Gebruik het authenticatiecertificaat van de UZI-pas, niet het handtekening- of "
                   "versleutelcertificaat.")
    solution_en = "Use the UZI card's authentication certificate, not its signature or encryption certificate."


class UziPolicy(UziError):
    code = "ZID-UZI-POLICY"
    status = 403
    cause_nl = "Het certificaatbeleid (policy) past niet bij het soort pas, het gebruik of deze omgeving."
    cause_en = "The certificate policy does not match the card type, the use or this environment."
    solution_nl = ("Gebruik een UZI-pas of UZI-servercertificaat van deze omgeving: test-certificaten alleen in "
                   "acceptatie, echte in productie.")
    solution_en = ("Use a UZI card or UZI server certificate of this environment: test certificates in acceptatie "
                   "only, real ones in productie.")


class UziCrlUnusable(UziError):
    code = "ZID-UZI-CRL"
    status = 503
    cause_nl = "De intrekkingslijst (CRL) van de UZI-CA is onleesbaar, niet goed ondertekend of verouderd."
    cause_en = "The UZI CA's certificate revocation list (CRL) is unreadable, badly signed or out of date."
    solution_nl = "Probeer het later opnieuw. Blijft de fout, dan moet de beheerder een actuele CRL instellen."
    solution_en = "Try again later. If the error persists, the operator must configure a current CRL."


class UziTrustStoreInvalid(UziError):
    code = "ZID-UZI-TRUSTSTORE"
    status = 500
    cause_nl = "De vertrouwenslijst met UZI-CA-certificaten ontbreekt of is onleesbaar."
    cause_en = "The trust store of UZI CA certificates is missing or unreadable."
    solution_nl = "De beheerder moet de map met vertrouwde UZI-CA-certificaten (PEM of DER, met een root) herstellen."
    solution_en = "The operator must repair the directory of trusted UZI CA certificates (PEM or DER, with a root)."


class UraInvalid(ZorgidError):
    """Not a URA: pki.uzi.numbers.Ura refuses it (the portal, the import, ``zorgid org add``, the XML document)."""

    code = "ZID-URA-INVALID"
    status = 400
    cause_nl = "Het URA (abonneenummer van de organisatie in het UZI-register) bestaat niet uit precies 8 cijfers."
    cause_en = "The URA (the organisation's subscriber number in the UZI register) is not exactly 8 digits."
    solution_nl = "Vul het URA in als 8 cijfers, bijvoorbeeld 90000382."
    solution_en = "Enter the URA as 8 digits, for example 90000382."


class UziNumberInvalid(ZorgidError):
    """Not a UZI number: pki.uzi.numbers.UziNumber refuses it (the employee search, the certificate's otherName)."""

    code = "ZID-UZI-NUMBER-INVALID"
    status = 400
    cause_nl = "Het UZI-nummer bestaat niet uit precies 9 cijfers."
    cause_en = "The UZI number is not exactly 9 digits."
    solution_nl = "Vul het UZI-nummer in als 9 cijfers, bijvoorbeeld 900016528."
    solution_en = "Enter the UZI number as 9 digits, for example 900016528."
