"""Errors of the portal's pages (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class LoginRequired(ZorgidError):
    code = "ZID-PORTAL-LOGIN-REQUIRED"
    status = 403
    cause_nl = "U bent niet (meer) ingelogd."
    cause_en = "You are not (or no longer) logged in."
    solution_nl = ("Log in op de startpagina: scan de QR-code met de ZORG-ID app, of kies Inloggen met ZORG-ID "
                   "Smartcard.")
    solution_en = ("Log in on the start page: scan the QR code with the ZORG-ID app, or choose to log in with a "
                   "ZORG-ID Smartcard.")


class CsrfFailed(ZorgidError):
    code = "ZID-PORTAL-CSRF"
    status = 403
    cause_nl = "Het formulier is verlopen of kwam niet van deze website."
    cause_en = "The form has expired or did not come from this website."
    solution_nl = "Ga terug, ververs de pagina en probeer het opnieuw."
    solution_en = "Go back, refresh the page and try again."


class Forbidden(ZorgidError):
    code = "ZID-PORTAL-FORBIDDEN"
    status = 403
    cause_nl = "U heeft geen toegang tot deze pagina met uw rol."
    cause_en = "Your role gives you no access to this page."
    solution_nl = "Vraag de administrator van uw organisatie om de juiste rol, of ga terug naar het overzicht."
    solution_en = "Ask your organisation's administrator for the right role, or go back to the overview."


class FormInvalid(ZorgidError):
    code = "ZID-PORTAL-FORM"
    status = 400
    cause_nl = "Het formulier is niet goed ingevuld."
    cause_en = "The form was not filled in correctly."
    solution_nl = "Verbeter de velden met een foutmelding en probeer het opnieuw."
    solution_en = "Correct the fields with an error message and try again."
