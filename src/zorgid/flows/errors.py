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
