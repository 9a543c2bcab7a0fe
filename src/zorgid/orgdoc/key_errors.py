"""Errors of the signing key: PEM and PKCS#12 files and PKCS#11 tokens (R-CRED-UZISERVER, R-ERR).

The technisch beheerder keeps the UZI server certificate's private key in a file or in a token (smartcard,
HSM); each way it can fail to open gets its own code, so the report says which step to repair. PKCS#11
errors are translated where they enter (:mod:`.pkcs11_key`), never shown as a library exception.
"""

from __future__ import annotations

from .errors import XmlError


class KeyUnreadable(XmlError):
    code = "ZID-XML-KEY-UNREADABLE"
    cause_nl = ("De private sleutel of het PKCS#12-bestand kan niet worden gelezen: onbekende vorm of verkeerd "
                "wachtwoord.")
    cause_en = "The private key or the PKCS#12 file cannot be read: unknown format or wrong password."
    solution_nl = ("Controleer het bestand (PEM-sleutel of .p12/.pfx) en het wachtwoord. Een versleutelde PEM-sleutel "
                   "of een PKCS#12-bestand heeft --password nodig (of ZORGID_KEY_PASSWORD).")
    solution_en = ("Check the file (PEM key or .p12/.pfx) and the password. An encrypted PEM key or a PKCS#12 file "
                   "needs --password (or ZORGID_KEY_PASSWORD).")


class KeyMismatch(XmlError):
    code = "ZID-XML-KEY-MISMATCH"
    cause_nl = "De private sleutel hoort niet bij het certificaat."
    cause_en = "The private key does not belong to the certificate."
    solution_nl = ("Gebruik het certificaat en de sleutel van hetzelfde UZI-servercertificaat (--cert en --key), "
                   "of kies op de token de sleutel bij het certificaat (--key-label of --key-id).")
    solution_en = ("Use the certificate and key of the same UZI server certificate (--cert and --key), or choose "
                   "the key that belongs to the certificate on the token (--key-label or --key-id).")


class Pkcs11ModuleUnavailable(XmlError):
    code = "ZID-XML-PKCS11-MODULE"
    status = 500
    cause_nl = "De PKCS#11-module van de token, smartcard of HSM kon niet worden geladen of gestart."
    cause_en = "The PKCS#11 module of the token, smartcard or HSM could not be loaded or started."
    solution_nl = ("Controleer het pad in --pkcs11-module (bijvoorbeeld de module van OpenSC, van de HSM-leverancier "
                   "of /usr/lib/softhsm/libsofthsm2.so). Bij SoftHSM2: zet SOFTHSM2_CONF.")
    solution_en = ("Check the path in --pkcs11-module (for instance OpenSC's module, the HSM vendor's, or "
                   "/usr/lib/softhsm/libsofthsm2.so). With SoftHSM2: set SOFTHSM2_CONF.")


class TokenNotFound(XmlError):
    code = "ZID-XML-TOKEN-NOT-FOUND"
    cause_nl = "Er is geen token (smartcard, HSM-partitie) met dit label gevonden."
    cause_en = "No token (smartcard, HSM partition) with this label was found."
    solution_nl = ("Controleer --token-label; de labels van de aanwezige tokens staan in het detail (of: "
                   "pkcs11-tool --module <module> --list-slots).")
    solution_en = ("Check --token-label; the labels of the tokens present are in the detail (or: pkcs11-tool "
                   "--module <module> --list-slots).")


class TokenPinWrong(XmlError):
    code = "ZID-XML-TOKEN-PIN"
    cause_nl = "De pincode van de token is onjuist of heeft niet de juiste vorm."
    cause_en = "The token's PIN is wrong or has the wrong form."
    solution_nl = "Probeer het opnieuw met de juiste pincode. Let op: na te veel foute pogingen blokkeert de token."
    solution_en = "Try again with the right PIN. Note: after too many wrong attempts the token is blocked."


class TokenLocked(XmlError):
    code = "ZID-XML-TOKEN-LOCKED"
    cause_nl = "De token is geblokkeerd na te veel foute pincodes."
    cause_en = "The token is blocked after too many wrong PINs."
    solution_nl = "Laat de token deblokkeren met de PUK of SO-pincode (de beheerder van de HSM of de leverancier)."
    solution_en = "Have the token unblocked with the PUK or SO PIN (the HSM's administrator or the vendor)."


class TokenKeyNotFound(XmlError):
    code = "ZID-XML-TOKEN-KEY"
    cause_nl = "Op de token is geen (of meer dan één) passende private sleutel of certificaat gevonden."
    cause_en = "No (or more than one) matching private key or certificate was found on the token."
    solution_nl = ("Kies de sleutel met --key-label of --key-id (hex). Staat het certificaat niet op de token, geef "
                   "het dan met --cert.")
    solution_en = ("Choose the key with --key-label or --key-id (hex). If the certificate is not on the token, give "
                   "it with --cert.")


class TokenFailed(XmlError):
    code = "ZID-XML-TOKEN-FAILED"
    status = 500
    cause_nl = "De token kon niet ondertekenen of niet worden gelezen (zie detail)."
    cause_en = "The token could not sign or could not be read (see detail)."
    solution_nl = ("Controleer of de token of smartcard goed is aangesloten en of de sleutel mag ondertekenen "
                   "(CKA_SIGN). Blijft de fout, neem dan contact op met de leverancier van de token.")
    solution_en = ("Check that the token or smartcard is connected and that the key may sign (CKA_SIGN). If the "
                   "error persists, contact the token's vendor.")
