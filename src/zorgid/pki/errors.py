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


class TlsClientError(ZorgidError):
    """Grouping class (no code of its own): every refusal of a supplier's TLS client certificate
    (pki.client_certificates; a UZI server certificate is refused with the UZI codes)."""


class TlsClientUntrusted(TlsClientError):
    code = "ZID-TLS-CLIENT-UNTRUSTED"
    status = 401
    cause_nl = "Het TLS-clientcertificaat is niet uitgegeven door een CA die zorgid voor applicaties vertrouwt."
    cause_en = "The TLS client certificate was not issued by a CA zorgid trusts for applications."
    solution_nl = ("Gebruik het PKIoverheid- of OV-certificaat dat bij de registratie van de applicatie is opgegeven, "
                   "met de tussenliggende CA's. Is dat zo, vraag de operator de CA in de vertrouwenslijst te zetten.")
    solution_en = ("Use the PKIoverheid or OV certificate named when the application was registered, with its "
                   "intermediate CAs. If you do, ask the operator to add the CA to the trust store.")


class TlsClientExpired(TlsClientError):
    code = "ZID-TLS-CLIENT-EXPIRED"
    status = 401
    cause_nl = "Het TLS-clientcertificaat (of een CA-certificaat erboven) is verlopen."
    cause_en = "The TLS client certificate (or a CA certificate above it) has expired."
    solution_nl = ("Vraag een nieuw certificaat aan en laat de operator het onderwerp (subject) in het register "
                   "aanpassen.")
    solution_en = "Obtain a new certificate and have the operator update its subject in the register."


class TlsClientNotYetValid(TlsClientError):
    code = "ZID-TLS-CLIENT-NOT-YET-VALID"
    status = 401
    cause_nl = "Het TLS-clientcertificaat (of een CA-certificaat erboven) is nog niet geldig."
    cause_en = "The TLS client certificate (or a CA certificate above it) is not valid yet."
    solution_nl = ("Wacht tot de ingangsdatum van het certificaat, of controleer de klok van de server van de "
                   "applicatie.")
    solution_en = "Wait until the certificate's start date, or check the clock of the application's server."


class TlsClientKeyUsage(TlsClientError):
    code = "ZID-TLS-CLIENT-KEY-USAGE"
    status = 401
    cause_nl = "Het certificaat is niet bedoeld voor TLS-clientauthenticatie (extendedKeyUsage clientAuth ontbreekt)."
    cause_en = "The certificate is not meant for TLS client authentication (extendedKeyUsage clientAuth is missing)."
    solution_nl = "Gebruik een certificaat met extendedKeyUsage clientAuth (geen CA-certificaat)."
    solution_en = "Use a certificate with extendedKeyUsage clientAuth (not a CA certificate)."


class TlsClientRevoked(TlsClientError):
    code = "ZID-TLS-CLIENT-REVOKED"
    status = 401
    cause_nl = "Het TLS-clientcertificaat is ingetrokken door zijn CA."
    cause_en = "The TLS client certificate has been revoked by its CA."
    solution_nl = "Dit certificaat kan niet meer worden gebruikt. Vraag een nieuw aan en meld het bij de operator."
    solution_en = "This certificate can no longer be used. Obtain a new one and tell the operator."


class TlsClientCrlUnusable(TlsClientError):
    code = "ZID-TLS-CLIENT-CRL"
    status = 503
    cause_nl = ("De intrekkingslijst (CRL) van de CA van het TLS-clientcertificaat is onleesbaar, niet goed "
                "ondertekend of verouderd.")
    cause_en = "The CRL of the TLS client certificate's CA is unreadable, badly signed or out of date."
    solution_nl = "Probeer het later opnieuw. Blijft de fout, dan moet de operator een actuele CRL instellen."
    solution_en = "Try again later. If the error persists, the operator must configure a current CRL."


class TlsClientNotServerCertificate(TlsClientError):
    code = "ZID-TLS-CLIENT-NOT-SERVER"
    status = 401
    cause_nl = "Dit UZI-certificaat is geen UZI-servercertificaat (een UZI-pas kan geen applicatie aanmelden)."
    cause_en = "This UZI certificate is not a UZI server certificate (a UZI card cannot authenticate an application)."
    solution_nl = "Gebruik het UZI-servercertificaat van de organisatie waarvoor de applicatie is geregistreerd."
    solution_en = "Use the UZI server certificate of the organisation the application is registered for."


class TlsClientTrustStoreInvalid(TlsClientError):
    code = "ZID-TLS-CLIENT-TRUSTSTORE"
    status = 500
    cause_nl = "De map met CA-certificaten voor TLS-clientcertificaten van applicaties ontbreekt of is onleesbaar."
    cause_en = "The directory of CA certificates for applications' TLS client certificates is missing or unreadable."
    solution_nl = "De operator moet ZORGID_TLS_CLIENT_TRUST_DIR herstellen (PEM-bestanden, met een root)."
    solution_en = "The operator must repair ZORGID_TLS_CLIENT_TRUST_DIR (PEM files, with a root)."


class SmartcardKeyNotAllowed(ZorgidError):
    code = "ZID-SMARTCARD-KEY"
    status = 400
    cause_nl = "De sleutels van de kaart zijn niet toegestaan: per rol (authenticatie, ondertekenen, versleutelen) " \
               "een eigen RSA-sleutel van 2048 bits."
    cause_en = "The card's keys are not allowed: one RSA key of 2048 bits of its own per role (authentication, " \
               "signing, encryption)."
    solution_nl = "Gebruik een lege kaart die RSA-2048 ondersteunt en maak de ZORG-ID Smartcard opnieuw."
    solution_en = "Use a blank card that supports RSA-2048 and make the ZORG-ID Smartcard again."


class SmartcardHolderInvalid(ZorgidError):
    code = "ZID-SMARTCARD-HOLDER"
    status = 400
    cause_nl = "De gegevens voor de certificaten van de ZORG-ID Smartcard kloppen niet (kaartnummer, naam, " \
               "organisatie, URA, pastype, rol of AGB-code)."
    cause_en = "The data for the ZORG-ID Smartcard's certificates is not valid (card number, name, organisation, " \
               "URA, card type, role or AGB code)."
    solution_nl = "Controleer de gegevens van de medewerker en de organisatie en probeer het opnieuw."
    solution_en = "Check the employee's and the organisation's data and try again."


# The CA and ID-token signing keys on a PKCS#11 token (pki/signing_keys.py; docs/security.md, "Keys in an HSM").


class HsmModuleUnavailable(ZorgidError):
    code = "ZID-HSM-MODULE"
    status = 503
    cause_nl = "De PKCS#11-module van de HSM kan niet worden geladen."
    cause_en = "The HSM's PKCS#11 module cannot be loaded."
    solution_nl = "Controleer het pad van de module (--pkcs11-module, ca/pkcs11.json) en de configuratie van de HSM."
    solution_en = "Check the module's path (--pkcs11-module, ca/pkcs11.json) and the HSM's configuration."


class HsmTokenNotFound(ZorgidError):
    code = "ZID-HSM-TOKEN"
    status = 503
    cause_nl = "Het token met de sleutels van de CA is niet gevonden in de HSM."
    cause_en = "The token holding the CA keys was not found in the HSM."
    solution_nl = "Controleer het label van het token (--token-label, ca/pkcs11.json) en of de HSM bereikbaar is."
    solution_en = "Check the token's label (--token-label, ca/pkcs11.json) and that the HSM can be reached."


class HsmPinWrong(ZorgidError):
    code = "ZID-HSM-PIN"
    status = 503
    cause_nl = "De PIN van het token met de sleutels van de CA is onjuist, ontbreekt of is geblokkeerd."
    cause_en = "The PIN of the token holding the CA keys is wrong, missing or locked."
    solution_nl = "Zet de juiste PIN in ZORGID_PKCS11_PIN of in het bestand van ZORGID_PKCS11_PIN_FILE (--pin-file)."
    solution_en = "Put the right PIN in ZORGID_PKCS11_PIN or in the file of ZORGID_PKCS11_PIN_FILE (--pin-file)."


class HsmKeyNotFound(ZorgidError):
    code = "ZID-HSM-KEY"
    status = 503
    cause_nl = "Een sleutel van de CA of van de ID-tokens staat niet (of meer dan eens) op het token."
    cause_en = "A key of the CA or of the ID tokens is not on the token, or is on it more than once."
    solution_nl = "Controleer de sleutellabels in ca/pkcs11.json tegen het token; maak ze met 'zorgid ca init'."
    solution_en = "Check the key labels in ca/pkcs11.json against the token; make them with 'zorgid ca init'."


class HsmKeyConflict(ZorgidError):
    code = "ZID-HSM-KEY-CONFLICT"
    status = 409
    cause_nl = ("Andere instanties maakten op hetzelfde moment ID-tokensleutels op het token; deze keer is geen "
                "nieuwe sleutel gemaakt.")
    cause_en = "Other instances made ID-token keys on the token at the same moment; no new key was made this time."
    solution_nl = ("Bekijk na 30 seconden de sleutels met 'zorgid oidc keys list' (dan staan die van de andere "
                   "instanties erbij) en draai 'zorgid oidc keys rotate' alleen opnieuw als er nog een nodig is.")
    solution_en = ("After 30 seconds look at the keys with 'zorgid oidc keys list' (the other instances' keys are "
                   "listed by then) and run 'zorgid oidc keys rotate' again only if another one is needed.")


class HsmFailed(ZorgidError):
    code = "ZID-HSM-FAILED"
    status = 503
    cause_nl = "De HSM heeft een handeling met een sleutel van de CA geweigerd of is niet bereikbaar."
    cause_en = "The HSM refused an operation with a CA key or cannot be reached."
    solution_nl = "Controleer de HSM en zijn logboek; het detail noemt de PKCS#11-fout."
    solution_en = "Check the HSM and its log; the detail names the PKCS#11 error."


class CaExists(ZorgidError):
    code = "ZID-CA-EXISTS"
    status = 409
    cause_nl = "Deze installatie heeft al een CA met sleutels in bestanden."
    cause_en = "This installation already has a CA with its keys in files."
    solution_nl = "Gebruik 'zorgid ca init' op een nieuwe installatie (een lege ZORGID_HOME/ca)."
    solution_en = "Use 'zorgid ca init' on a new installation (an empty ZORGID_HOME/ca)."


class CaConfigInvalid(ZorgidError):
    code = "ZID-CA-CONFIG"
    status = 503
    cause_nl = "De configuratie van de CA-sleutels (ca/pkcs11.json) of de certificaten ernaast zijn onleesbaar."
    cause_en = "The configuration of the CA keys (ca/pkcs11.json) or the certificates beside it cannot be read."
    solution_nl = "Voer 'zorgid ca init' opnieuw uit met de module en het label van het token."
    solution_en = "Run 'zorgid ca init' again with the token's module and label."


class CaKeyLabelInvalid(ZorgidError):
    code = "ZID-CA-KEY-LABEL"
    status = 400
    cause_nl = "Het begin van de sleutellabels (--key-label) is leeg, te lang of heeft ongeldige tekens."
    cause_en = "The start of the key labels (--key-label) is empty, too long or has characters that are not allowed."
    solution_nl = "Geef ten hoogste 24 letters, cijfers en '-', of laat --key-label weg (dan: zorgid)."
    solution_en = "Give at most 24 letters, digits and '-', or leave out --key-label (then: zorgid)."
