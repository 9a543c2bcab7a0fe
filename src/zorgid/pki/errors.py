"""Errors of the PKI domain (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class CsrMalformed(ZorgidError):
    code = "ZID-CSR-MALFORMED"
    status = 400
    cause_nl = "Het certificaatverzoek van de app is onleesbaar of te groot."
    cause_en = "The app's certificate signing request is unreadable or too large."
    solution_nl = "Werk de ZORG-ID app bij en scan de QR-code opnieuw."
    solution_en = "Update the ZORG-ID app and scan the QR code again."


class CsrSignatureInvalid(ZorgidError):
    code = "ZID-CSR-SIGNATURE"
    status = 400
    cause_nl = "De handtekening op het certificaatverzoek klopt niet: de app bezit de sleutel niet."
    cause_en = "The signature on the certificate signing request does not verify."
    solution_nl = "Scan de QR-code opnieuw met de ZORG-ID app."
    solution_en = "Scan the QR code again with the ZORG-ID app."


class CsrKeyNotAllowed(ZorgidError):
    code = "ZID-CSR-KEY"
    status = 400
    cause_nl = "De sleutel in het certificaatverzoek is niet toegestaan (alleen EC P-256)."
    cause_en = "The key in the certificate signing request is not allowed (EC P-256 only)."
    solution_nl = "Werk de ZORG-ID app bij en scan de QR-code opnieuw."
    solution_en = "Update the ZORG-ID app and scan the QR code again."


class SignatureInvalid(ZorgidError):
    code = "ZID-SIGNATURE-INVALID"
    status = 403
    cause_nl = "De handtekening van de app klopt niet bij dit ID."
    cause_en = "The app's signature does not match this ID."
    solution_nl = "Scan een nieuwe QR-code. Lukt het niet, vraag uw beheerder om een nieuw ID."
    solution_en = "Scan a new QR code. If that fails, ask your administrator for a new ID."
