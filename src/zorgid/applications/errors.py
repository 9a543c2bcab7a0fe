"""Errors of the applications domain (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class ApplicationUnknown(ZorgidError):
    code = "ZID-APPLICATION-UNKNOWN"
    status = 404
    cause_nl = "Er is geen aanvraag met deze referentie (of de link is niet geldig)."
    cause_en = "There is no application with this reference (or the link is not valid)."
    solution_nl = "Controleer de referentie in de bevestigingsmail van uw aanvraag."
    solution_en = "Check the reference in the confirmation e-mail of your application."


class ApplicationStateWrong(ZorgidError):
    code = "ZID-APPLICATION-STATE"
    status = 409
    cause_nl = "Deze stap past niet bij de huidige status van de aanvraag."
    cause_en = "This step does not fit the application's current status."
    solution_nl = "Bekijk de status van de aanvraag; de servicedesk kan u verder helpen."
    solution_en = "Look at the application's status; the service desk can help you further."


class ApplicationOpenForUra(ZorgidError):
    code = "ZID-APPLICATION-OPEN"
    status = 409
    cause_nl = "Er loopt al een aanvraag voor deze organisatie (zelfde URA)."
    cause_en = "An application for this organisation (same URA) is already in progress."
    solution_nl = "Volg de lopende aanvraag met de link uit de bevestigingsmail, of trek die eerst in."
    solution_en = "Follow the open application with the link in its confirmation e-mail, or withdraw it first."


class OrganisationAlreadyRegistered(ZorgidError):
    code = "ZID-APPLICATION-REGISTERED"
    status = 409
    cause_nl = "Deze organisatie (URA) is al aangemeld bij ZORG-ID."
    cause_en = "This organisation (URA) is already registered with ZORG-ID."
    solution_nl = "Vraag de portaal administrator van uw organisatie om u toegang te geven."
    solution_en = "Ask your organisation's portal administrator to give you access."


class FollowupLinkInvalid(ZorgidError):
    code = "ZID-APPLICATION-FOLLOWUP-LINK"
    status = 410
    cause_nl = "De link naar het vervolgformulier is onbekend, al gebruikt of verlopen (10 dagen geldig)."
    cause_en = "The link to the follow-up form is unknown, already used or expired (valid for 10 days)."
    solution_nl = "Vraag de servicedesk om een nieuwe link."
    solution_en = "Ask the service desk for a new link."


class DocumentTooLarge(ZorgidError):
    code = "ZID-APPLICATION-UPLOAD-SIZE"
    status = 413
    cause_nl = "Het bestand is te groot voor een organisatiedocument."
    cause_en = "The file is too large for an organisation document."
    solution_nl = "Stuur alleen het ondertekende XML-document van de Validatietool."
    solution_en = "Send only the signed XML document made with the validation tool."


class DocumentEncoding(ZorgidError):
    code = "ZID-APPLICATION-DOCUMENT-ENCODING"
    status = 400
    cause_nl = ("Het document is niet in UTF-8 gecodeerd of bevat een NUL-teken (bijvoorbeeld omdat het als UTF-16 "
                "of \"Unicode\" is opgeslagen).")
    cause_en = ("The document is not encoded in UTF-8 or contains a NUL character (for instance because it was saved "
                "as UTF-16 or \"Unicode\").")
    solution_nl = ("Stuur het document zoals zorgid-validatietool sign het maakt, zonder het in een editor opnieuw op "
                   "te slaan; controleer het met zorgid-validatietool verify.")
    solution_en = ("Send the document as zorgid-validatietool sign writes it, without saving it again in an editor; "
                   "check it with zorgid-validatietool verify.")


class ValidationToolNotBuilt(ZorgidError):
    code = "ZID-APPLICATION-TOOL-MISSING"
    status = 404
    cause_nl = "Het downloadbestand van de Validatietool is op deze server nog niet gemaakt."
    cause_en = "The validation tool's download file has not been made on this server yet."
    solution_nl = "Meld het de servicedesk. Beheerder van de server: maak het met make validatietool."
    solution_en = "Tell the service desk. Server administrator: make it with make validatietool."
