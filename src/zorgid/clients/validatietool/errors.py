"""Errors of zorgid-validatietool itself: files, secrets and the upload (R-ERR).

The document's own refusals are zorgid.orgdoc's (ZID-XML-…) and the certificate's zorgid.pki.uzi's
(ZID-UZI-…); the tool adds only what can go wrong around them. ``status`` has no HTTP meaning here.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError


class ValidatietoolError(ZorgidError):
    """Grouping class of the tool's own errors (no code of its own)."""

    status = 400


class FileUnusable(ValidatietoolError):
    code = "ZID-VALIDATIETOOL-FILE"
    cause_nl = "Een bestand kan niet worden gelezen of geschreven (het detail noemt welk en waarom)."
    cause_en = "A file cannot be read or written (the detail says which and why)."
    solution_nl = ("Controleer het pad, of het bestand bestaat en of u het mag lezen, en of u in de map van het "
                   "uitvoerbestand (-o) mag schrijven.")
    solution_en = ("Check the path, that the file exists and that you may read it, and that you may write in the "
                   "output file's directory (-o).")


class SecretMissing(ValidatietoolError):
    code = "ZID-VALIDATIETOOL-SECRET-MISSING"
    cause_nl = "Er is geen wachtwoord of pincode opgegeven, en er kon niet om worden gevraagd."
    cause_en = "No password or PIN was given, and none could be asked for."
    solution_nl = ("Geef het wachtwoord met --password (of ZORGID_KEY_PASSWORD) en de pincode van de token met --pin "
                   "(of ZORGID_TOKEN_PIN), of start de opdracht in een terminal zodat erom wordt gevraagd.")
    solution_en = ("Give the password with --password (or ZORGID_KEY_PASSWORD) and the token PIN with --pin (or "
                   "ZORGID_TOKEN_PIN), or run the command in a terminal so that it asks.")


class ServerUnreachable(ValidatietoolError):
    code = "ZID-VALIDATIETOOL-SERVER-UNREACHABLE"
    status = 503
    cause_nl = "De ZORG-ID-server is niet bereikbaar."
    cause_en = "The ZORG-ID server cannot be reached."
    solution_nl = ("Controleer het adres in --server en uw internetverbinding en probeer het opnieuw. U kunt het "
                   "ondertekende document ook als antwoord op de bevestigingsmail terugsturen, of uploaden op de "
                   "portaalpagina met uw referentie.")
    solution_en = ("Check the address in --server and your internet connection and try again. You can also send "
                   "the signed document as a reply to the confirmation e-mail, or upload it on the portal page "
                   "with your reference.")
    technical_detail = True


class ServerCertificateUntrusted(ValidatietoolError):
    code = "ZID-VALIDATIETOOL-SERVER-CERTIFICATE"
    status = 503
    cause_nl = "De validatietool vertrouwt het TLS-certificaat van de ZORG-ID-server niet: er is niets verstuurd."
    cause_en = "The validation tool does not trust the ZORG-ID server's TLS certificate: nothing was sent."
    solution_nl = (
        "Controleer het adres in --server. Een testserver met een eigen certificaat: zet SSL_CERT_FILE op het "
        "bestand met dat certificaat (of zijn CA) en probeer het opnieuw."
    )
    solution_en = (
        "Check the address in --server. A test server with a certificate of its own: set SSL_CERT_FILE to the file "
        "with that certificate (or its CA) and try again."
    )
    technical_detail = True  # the address and OpenSSL's reason


class ServerAnswerInvalid(ValidatietoolError):
    code = "ZID-VALIDATIETOOL-SERVER-ANSWER"
    status = 502
    cause_nl = "De server gaf een antwoord dat de Validatietool niet begrijpt."
    cause_en = "The server gave an answer the Validatietool does not understand."
    solution_nl = ("Controleer of --server het adres van het ZORG-ID-portaal is (https://…, zonder pad), werk de "
                   "Validatietool bij en probeer het opnieuw.")
    solution_en = ("Check that --server is the address of the ZORG-ID portal (https://…, without a path), update the "
                   "Validatietool and try again.")
    technical_detail = True
