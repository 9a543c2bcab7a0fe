"""Errors of the portal's pages (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class LoginRequired(ZorgidError):
    code = "ZID-PORTAL-LOGIN-REQUIRED"
    status = 403
    cause_nl = "U bent niet (meer) ingelogd."
    cause_en = "You are not (or no longer) logged in."
    solution_nl = "Log in met de ZORG-ID app door de QR-code op de startpagina te scannen."
    solution_en = "Log in with the ZORG-ID app by scanning the QR code on the start page."


class CsrfFailed(ZorgidError):
    code = "ZID-PORTAL-CSRF"
    status = 403
    cause_nl = "Het formulier is verlopen of kwam niet van deze website."
    cause_en = "The form has expired or did not come from this website."
    solution_nl = "Ga terug, ververs de pagina en probeer het opnieuw."
    solution_en = "Go back, refresh the page and try again."
