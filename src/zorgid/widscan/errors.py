"""Errors of the WID scan app's link and of its recorded checks (R-FLOW-WIDSCAN, R-ERR).

A signature of the Mobile ID's key (the offer, the approval) that does not verify is the login's refusal,
ZID-SIGNATURE-INVALID; these are the WID scan app's own.
"""

from zorgid.protocol.errors import ZorgidError


class WidScanError(ZorgidError):
    """The group of the WID scan app's errors (no code of its own)."""


class WidScanLinkUnknown(WidScanError):
    code = "ZID-WIDSCAN-LINK-UNKNOWN"
    status = 404
    cause_nl = "Deze koppeling van de WID scan app is onbekend."
    cause_en = "This link of the WID scan app is unknown."
    solution_nl = "Laat in de ZORG-ID app een nieuwe koppel-QR-code zien en scan die met de WID scan app."
    solution_en = "Show a new link QR code in the ZORG-ID app and scan it with the WID scan app."


class WidScanLinkExpired(WidScanError):
    code = "ZID-WIDSCAN-LINK-EXPIRED"
    status = 410
    cause_nl = "De koppel-QR-code is verlopen: hij is 10 minuten geldig."
    cause_en = "The link QR code has expired: it is valid for 10 minutes."
    solution_nl = "Laat in de ZORG-ID app een nieuwe koppel-QR-code zien en scan die met de WID scan app."
    solution_en = "Show a new link QR code in the ZORG-ID app and scan it with the WID scan app."


class WidScanLinkCode(WidScanError):
    code = "ZID-WIDSCAN-LINK-CODE"
    status = 403
    cause_nl = "De koppelcode hoort niet bij deze koppeling."
    cause_en = "The link code does not belong to this link."
    solution_nl = "Scan de koppel-QR-code opnieuw, precies zoals de ZORG-ID app hem laat zien."
    solution_en = "Scan the link QR code again, exactly as the ZORG-ID app shows it."


class WidScanLinkState(WidScanError):
    code = "ZID-WIDSCAN-LINK-STATE"
    status = 409
    cause_nl = ("Deze stap past niet bij de koppeling zoals die nu is: hij is al door een WID scan app gebruikt, "
                "afgewezen, vervangen, of nog niet door de WID scan app gescand.")
    cause_en = ("This step does not fit the link as it is now: a WID scan app already used it, it was declined or "
                "replaced, or the WID scan app has not scanned it yet.")
    solution_nl = "Begin opnieuw: laat in de ZORG-ID app een nieuwe koppel-QR-code zien."
    solution_en = "Start again: show a new link QR code in the ZORG-ID app."


class WidScanKeyMismatch(WidScanError):
    code = "ZID-WIDSCAN-KEY-MISMATCH"
    status = 409
    cause_nl = "De goedkeuring noemt een andere sleutel dan die van de WID scan app die de koppeling claimde."
    cause_en = "The approval names another key than that of the WID scan app that claimed the link."
    solution_nl = ("Koppel niet: de bevestigingscode op beide telefoons moet gelijk zijn. Begin opnieuw met een "
                   "nieuwe koppel-QR-code.")
    solution_en = ("Do not link: the confirmation code on both phones must be the same. Start again with a new link "
                   "QR code.")


class WidScanNotLinked(WidScanError):
    code = "ZID-WIDSCAN-NOT-LINKED"
    status = 403
    cause_nl = ("Deze WID scan app is niet (meer) gekoppeld: de koppeling is beëindigd of vervangen, of het ZORG-ID "
                "waaraan hij gekoppeld was is ingetrokken of geblokkeerd.")
    cause_en = ("This WID scan app is not (or no longer) linked: the link was ended or replaced, or the ZORG-ID it "
                "was linked to was revoked or blocked.")
    solution_nl = ("Koppel de WID scan app opnieuw met uw ZORG-ID app. Is uw ID geblokkeerd of ingetrokken, neem dan "
                   "contact op met uw beheerder.")
    solution_en = ("Link the WID scan app again with your ZORG-ID app. If your ID is blocked or revoked, contact your "
                   "administrator.")


class WidScanSignature(WidScanError):
    code = "ZID-WIDSCAN-SIGNATURE"
    status = 403
    cause_nl = "De handtekening van de WID scan app klopt niet bij zijn sleutel."
    cause_en = "The WID scan app's signature does not match its key."
    solution_nl = "Werk de WID scan app bij en koppel hem opnieuw met uw ZORG-ID app."
    solution_en = "Update the WID scan app and link it again with your ZORG-ID app."


class WidScanReplay(WidScanError):
    code = "ZID-WIDSCAN-REPLAY"
    status = 409
    cause_nl = "Deze controle is al vastgelegd, of is ouder dan de laatst vastgelegde controle van deze app."
    cause_en = "This check has already been recorded, or is older than the last check this app recorded."
    solution_nl = "Controleer het document opnieuw en leg die nieuwe controle vast."
    solution_en = "Check the document again and record that new check."


class WidScanClockSkew(WidScanError):
    code = "ZID-WIDSCAN-CLOCK"
    status = 400
    cause_nl = "De tijd op uw telefoon wijkt te veel af van de tijd van de server."
    cause_en = "The time on your phone differs too much from the server's time."
    solution_nl = "Zet de tijd van uw telefoon op automatisch en probeer het opnieuw."
    solution_en = "Set your phone's time to automatic and try again."


class WidScanReferenceUnknown(WidScanError):
    code = "ZID-WIDSCAN-REFERENCE-UNKNOWN"
    status = 404
    cause_nl = "Deze WID scan-code is onbekend: er is geen controle van een medewerker met deze code vastgelegd."
    cause_en = "This WID scan code is unknown: no check of an employee was recorded with this code."
    solution_nl = ("Neem de code over precies zoals uw WID scan app hem toont (8 tekens). Klopt hij niet, scan het "
                   "document dan opnieuw met uw WID scan app en neem de nieuwe code over.")
    solution_en = ("Copy the code exactly as your WID scan app shows it (8 characters). If it is wrong, scan the "
                   "document again with your WID scan app and copy the new code.")


class WidScanReferenceNotYours(WidScanError):
    code = "ZID-WIDSCAN-REFERENCE-NOT-YOURS"
    status = 403
    cause_nl = "Deze WID scan-code is van een controle met de WID scan app van iemand anders."
    cause_en = "This WID scan code belongs to a check made with someone else's WID scan app."
    solution_nl = ("Controleer het document zelf: scan het opnieuw met uw eigen WID scan app en neem de nieuwe code "
                   "over.")
    solution_en = "Check the document yourself: scan it again with your own WID scan app and copy the new code."


class WidScanReferenceUsed(WidScanError):
    code = "ZID-WIDSCAN-REFERENCE-USED"
    status = 409
    cause_nl = "Deze WID scan-code is al gebruikt: elke code geldt voor één WID-controle."
    cause_en = "This WID scan code has been used already: each code counts for one WID check."
    solution_nl = "Scan het document opnieuw met uw WID scan app en neem de nieuwe code over."
    solution_en = "Scan the document again with your WID scan app and copy the new code."


class WidScanReferenceExpired(WidScanError):
    code = "ZID-WIDSCAN-REFERENCE-EXPIRED"
    status = 410
    cause_nl = "Deze WID scan-code is verlopen: hij is 60 minuten geldig nadat de controle is vastgelegd."
    cause_en = "This WID scan code has expired: it is valid for 60 minutes after the check was recorded."
    solution_nl = "Scan het document opnieuw met uw WID scan app en neem de nieuwe code over."
    solution_en = "Scan the document again with your WID scan app and copy the new code."


class WidScanReferenceInvalidDocument(WidScanError):
    code = "ZID-WIDSCAN-REFERENCE-INVALID-DOCUMENT"
    status = 422
    cause_nl = ("De WID scan app vond het document met deze code niet geldig: een controle klopte niet, of het "
                "document is verlopen.")
    cause_en = ("The WID scan app did not find the document with this code valid: a check failed, or the document "
                "has expired.")
    solution_nl = ("Registreer niet met dit document. Vraag om een geldig identiteitsbewijs, scan dat met uw WID scan "
                   "app en neem de nieuwe code over.")
    solution_en = ("Do not register with this document. Ask for a valid identity document, scan it with your WID "
                   "scan app and copy the new code.")


class WidScanReferenceOtherPerson(WidScanError):
    code = "ZID-WIDSCAN-REFERENCE-OTHER-PERSON"
    status = 422
    cause_nl = ("De WID scan-code hoort bij een identiteitsbewijs met een andere geboortedatum dan die van de "
                "medewerker: het gescande document is niet van hem, of de geboortedatum is verkeerd ingevuld.")
    cause_en = ("The WID scan code belongs to an identity document with another birth date than the employee's: the "
                "scanned document is not his, or the birth date was typed wrongly.")
    solution_nl = ("Vergelijk de geboortedatum op het document met die in het formulier. Is die goed, scan dan het "
                   "document van deze medewerker met uw WID scan app en neem de nieuwe code over; de code blijft "
                   "ongebruikt.")
    solution_en = ("Compare the birth date on the document with the one in the form. If that is right, scan this "
                   "employee's document with your WID scan app and copy the new code; the code stays unused.")
