"""Errors of the OpenID Connect provider (docs/koppelen.md lists them with their OAuth error).

Each class carries, besides its ZID code, the OAuth error (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1) it is answered
with: an application reads ``error``, a person reads the ZID code in ``error_description`` (``oauth_answer``).
Errors of the layers below (the register's refusals, a blocked person, an expired login) get their OAuth error from
``oauth_error_of``.
"""

from __future__ import annotations

from typing import ClassVar

from zorgid.protocol.errors import ZorgidError


class OidcError(ZorgidError):
    """An error of the provider; ``oauth_error`` is the OAuth error code it is sent with."""

    oauth_error: ClassVar[str] = "invalid_request"


# -- the authorization request (GET /oidc/authorize) --------------------------------------------------------------


class AuthorizeRequestInvalid(OidcError):
    code = "ZID-OIDC-REQUEST"
    status = 400
    cause_nl = "Het inlogverzoek van de zorgapplicatie is onvolledig of ongeldig."
    cause_en = "The login request of the healthcare application is incomplete or invalid."
    solution_nl = ("De leverancier van de applicatie moet het verzoek verbeteren (de toelichting zegt welk gegeven); "
                   "zie docs/koppelen.md.")
    solution_en = ("The application's supplier must correct the request (the detail says which item); see "
                   "docs/koppelen.md.")


class ResponseTypeUnsupported(OidcError):
    code = "ZID-OIDC-RESPONSE-TYPE"
    status = 400
    oauth_error = "unsupported_response_type"
    cause_nl = "De zorgapplicatie vraagt een soort antwoord dat ZORG-ID niet geeft: alleen response_type=code kan."
    cause_en = "The healthcare application asks for a kind of answer ZORG-ID does not give: only response_type=code."
    solution_nl = "De leverancier moet de authorization code flow gebruiken (response_type=code)."
    solution_en = "The supplier must use the authorization code flow (response_type=code)."


class ScopeInvalid(OidcError):
    code = "ZID-OIDC-SCOPE"
    status = 400
    oauth_error = "invalid_scope"
    cause_nl = ("De gevraagde scope is ongeldig: hij moet openid bevatten en mag alleen openid, profile, uzi en "
                "wid_check noemen.")
    cause_en = ("The requested scope is invalid: it must contain openid and may name only openid, profile, uzi and "
                "wid_check.")
    solution_nl = "De leverancier moet de scope verbeteren, bijvoorbeeld scope=openid profile uzi."
    solution_en = "The supplier must correct the scope, for instance scope=openid profile uzi."


class ScopeNotAllowed(OidcError):
    code = "ZID-OIDC-SCOPE-NOT-ALLOWED"
    status = 400
    oauth_error = "invalid_scope"
    cause_nl = ("De zorgapplicatie vraagt de scope wid_check (de laatste WID-controle van de medewerker), maar de "
                "beheerder van ZORG-ID heeft die voor deze applicatie niet toegestaan.")
    cause_en = ("The healthcare application asks for the scope wid_check (the employee's latest WID check), but the "
                "ZORG-ID operator has not allowed it for this application.")
    solution_nl = ("De leverancier laat wid_check weg, of vraagt de beheerder van ZORG-ID de WID-controle voor de "
                   "applicatie toe te staan (zorgid apps change CLIENT_ID --wid-check).")
    solution_en = ("The supplier leaves wid_check out, or asks the ZORG-ID operator to allow the WID check for the "
                   "application (zorgid apps change CLIENT_ID --wid-check).")


class PkceRequired(OidcError):
    code = "ZID-OIDC-PKCE"
    status = 400
    cause_nl = "Het inlogverzoek heeft geen geldige PKCE-code_challenge met code_challenge_method=S256."
    cause_en = "The login request has no valid PKCE code_challenge with code_challenge_method=S256."
    solution_nl = "De leverancier moet bij elk verzoek een code_challenge (S256, RFC 7636) meesturen."
    solution_en = "The supplier must send a code_challenge (S256, RFC 7636) with every request."


class NonceRequired(OidcError):
    code = "ZID-OIDC-NONCE"
    status = 400
    cause_nl = "Het inlogverzoek heeft geen geldige nonce (verplicht, ten hoogste 255 tekens, niet hergebruikt)."
    cause_en = "The login request has no valid nonce (required, at most 255 characters, not reused)."
    solution_nl = "De leverancier moet bij elk verzoek een nieuwe, willekeurige nonce meesturen."
    solution_en = "The supplier must send a new, random nonce with every request."


class StateRequired(OidcError):
    code = "ZID-OIDC-STATE"
    status = 400
    cause_nl = "Het inlogverzoek heeft geen geldige state (verplicht, ten hoogste 255 tekens)."
    cause_en = "The login request has no valid state (required, at most 255 characters)."
    solution_nl = ("De leverancier moet bij elk verzoek een willekeurige state meesturen en die bij terugkomst "
                   "controleren.")
    solution_en = "The supplier must send a random state with every request and check it on return."


# -- the person's side of the login (GET/POST /oidc/authorize/<flow>/verder) ---------------------------------------


class LoginNotDone(OidcError):
    code = "ZID-OIDC-LOGIN-NOT-DONE"
    status = 409
    oauth_error = "access_denied"
    cause_nl = "Het inloggen met de ZORG-ID app is nog niet afgerond."
    cause_en = "The login with the ZORG-ID app has not been completed yet."
    solution_nl = "Scan de QR-code met de ZORG-ID app en accepteer het verzoek; de pagina gaat dan vanzelf verder."
    solution_en = "Scan the QR code with the ZORG-ID app and accept the request; the page then goes on by itself."


class LoginAlreadyUsed(OidcError):
    code = "ZID-OIDC-LOGIN-USED"
    status = 409
    cause_nl = "Met dit inloggen is de zorgapplicatie al geopend."
    cause_en = "This login has already been used to open the healthcare application."
    solution_nl = "Ga terug naar de zorgapplicatie en log opnieuw in als dat nodig is."
    solution_en = "Go back to the healthcare application and log in again if needed."


class NoOrganisation(OidcError):
    code = "ZID-OIDC-NO-ORGANISATION"
    status = 403
    oauth_error = "access_denied"
    cause_nl = "U heeft geen rol in een organisatie: met ZORG-ID logt u in namens een zorgorganisatie."
    cause_en = "You have no role in an organisation: with ZORG-ID you log in on behalf of a healthcare organisation."
    solution_nl = "Vraag de beheerder van uw organisatie om u als medewerker toe te voegen."
    solution_en = "Ask your organisation's administrator to add you as an employee."


class OrganisationNotYours(OidcError):
    code = "ZID-OIDC-ORGANISATION"
    status = 403
    oauth_error = "access_denied"
    cause_nl = "U heeft geen rol in de gekozen organisatie."
    cause_en = "You have no role in the chosen organisation."
    solution_nl = "Kies een organisatie waarin u werkt, of vraag de beheerder van die organisatie om een rol."
    solution_en = "Choose an organisation you work in, or ask that organisation's administrator for a role."


class OrganisationBound(OidcError):
    code = "ZID-OIDC-ORGANISATION-BOUND"
    status = 403
    oauth_error = "access_denied"
    cause_nl = "Deze zorgapplicatie is alleen voor één organisatie geregistreerd, en u heeft daar geen rol."
    cause_en = "This healthcare application is registered for one organisation only, and you have no role there."
    solution_nl = ("Vraag de beheerder van die organisatie om een rol, of gebruik de applicatie van uw eigen "
                   "organisatie.")
    solution_en = "Ask that organisation's administrator for a role, or use your own organisation's application."


# -- the token endpoint (POST /oidc/token) ------------------------------------------------------------------------


class GrantTypeUnsupported(OidcError):
    code = "ZID-OIDC-GRANT-TYPE"
    status = 400
    oauth_error = "unsupported_grant_type"
    cause_nl = "ZORG-ID geeft alleen tokens voor grant_type=authorization_code."
    cause_en = "ZORG-ID gives tokens only for grant_type=authorization_code."
    solution_nl = "De leverancier moet de code uit het inloggen inwisselen (grant_type=authorization_code)."
    solution_en = "The supplier must exchange the code of the login (grant_type=authorization_code)."


class TokenRequestInvalid(OidcError):
    code = "ZID-OIDC-TOKEN-REQUEST"
    status = 400
    cause_nl = "Het tokenverzoek van de zorgapplicatie is onvolledig of ongeldig."
    cause_en = "The token request of the healthcare application is incomplete or invalid."
    solution_nl = "De leverancier moet het verzoek verbeteren (de toelichting zegt welk gegeven); zie docs/koppelen.md."
    solution_en = "The supplier must correct the request (the detail says which item); see docs/koppelen.md."


class ClientAuthenticationFailed(OidcError):
    code = "ZID-OIDC-CLIENT-AUTH"
    status = 401
    oauth_error = "invalid_client"
    cause_nl = "De zorgapplicatie heeft zich niet (goed) aangemeld bij ZORG-ID."
    cause_en = "The healthcare application did not authenticate (correctly) to ZORG-ID."
    solution_nl = ("De leverancier moet zich aanmelden met private_key_jwt (een client_assertion, RFC 7523) of met het "
                   "geregistreerde TLS-certificaat; client secrets bestaan niet.")
    solution_en = ("The supplier must authenticate with private_key_jwt (a client_assertion, RFC 7523) or with the "
                   "registered TLS certificate; client secrets do not exist.")


class ClientAssertionInvalid(OidcError):
    code = "ZID-OIDC-ASSERTION"
    status = 401
    oauth_error = "invalid_client"
    cause_nl = "De client_assertion van de zorgapplicatie is ongeldig (handtekening, sleutel of gegevens)."
    cause_en = "The client_assertion of the healthcare application is invalid (signature, key or claims)."
    solution_nl = ("Onderteken met een sleutel uit de geregistreerde sleutelset (met kid), met iss en sub de "
                   "client_id, aud het tokenadres of de issuer, een jti en een exp van ten hoogste 10 minuten.")
    solution_en = ("Sign with a key of the registered key set (with kid), with iss and sub the client_id, aud the "
                   "token address or the issuer, a jti and an exp of at most 10 minutes.")


class ClientAssertionReplayed(OidcError):
    code = "ZID-OIDC-ASSERTION-REPLAYED"
    status = 401
    oauth_error = "invalid_client"
    cause_nl = "Deze client_assertion (jti) is al eens gebruikt."
    cause_en = "This client_assertion (jti) has already been used."
    solution_nl = "Maak voor elk tokenverzoek een nieuwe client_assertion met een nieuwe jti."
    solution_en = "Make a new client_assertion with a new jti for every token request."


class ClientKeysUnavailable(OidcError):
    code = "ZID-OIDC-JWKS-UNAVAILABLE"
    status = 401
    oauth_error = "invalid_client"
    cause_nl = "ZORG-ID kon de sleutelset (jwks_uri) van de zorgapplicatie niet ophalen of lezen."
    cause_en = "ZORG-ID could not fetch or read the key set (jwks_uri) of the healthcare application."
    solution_nl = "De leverancier moet zorgen dat de jwks_uri binnen 5 seconden een geldige JWK Set (≤ 64 KiB) geeft."
    solution_en = "The supplier must make the jwks_uri answer a valid JWK Set (≤ 64 KiB) within 5 seconds."


class CodeUnknown(OidcError):
    code = "ZID-OIDC-CODE-UNKNOWN"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "De code is onbekend bij ZORG-ID."
    cause_en = "The code is unknown to ZORG-ID."
    solution_nl = ("Wissel alleen de code in die ZORG-ID bij het terugsturen gaf; laat de gebruiker zo nodig opnieuw "
                   "inloggen.")
    solution_en = "Exchange only the code ZORG-ID gave on the redirect; have the user log in again if needed."


class CodeUsed(OidcError):
    code = "ZID-OIDC-CODE-USED"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "De code is al ingewisseld; de tokens van de eerste keer zijn nu ook ingetrokken."
    cause_en = "The code has already been exchanged; the tokens of the first time have now been revoked as well."
    solution_nl = "Een code werkt één keer. Laat de gebruiker opnieuw inloggen."
    solution_en = "A code works once. Have the user log in again."


class CodeExpired(OidcError):
    code = "ZID-OIDC-CODE-EXPIRED"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "De code is verlopen: hij is 60 seconden geldig."
    cause_en = "The code has expired: it is valid for 60 seconds."
    solution_nl = "Wissel de code meteen in. Laat de gebruiker opnieuw inloggen."
    solution_en = "Exchange the code at once. Have the user log in again."


class CodeOfOtherClient(OidcError):
    code = "ZID-OIDC-CODE-CLIENT"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "De code is uitgegeven aan een andere zorgapplicatie."
    cause_en = "The code was issued to another healthcare application."
    solution_nl = "Een applicatie kan alleen haar eigen codes inwisselen."
    solution_en = "An application can exchange only its own codes."


class RedirectUriMismatch(OidcError):
    code = "ZID-OIDC-REDIRECT-URI"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "De redirect_uri van het tokenverzoek is niet dezelfde als die van het inlogverzoek."
    cause_en = "The redirect_uri of the token request is not the one of the login request."
    solution_nl = "Stuur precies dezelfde redirect_uri mee als bij het inlogverzoek."
    solution_en = "Send exactly the same redirect_uri as in the login request."


class CodeVerifierMissing(OidcError):
    code = "ZID-OIDC-PKCE-VERIFIER-MISSING"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "Het tokenverzoek heeft geen (geldige) code_verifier (PKCE)."
    cause_en = "The token request has no (valid) code_verifier (PKCE)."
    solution_nl = "Stuur de code_verifier mee waarvan de code_challenge van het inlogverzoek is gemaakt."
    solution_en = "Send the code_verifier the code_challenge of the login request was made from."


class CodeVerifierWrong(OidcError):
    code = "ZID-OIDC-PKCE-VERIFIER"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "De code_verifier past niet bij de code_challenge van het inlogverzoek (PKCE, S256)."
    cause_en = "The code_verifier does not match the code_challenge of the login request (PKCE, S256)."
    solution_nl = "Stuur de code_verifier van dit inlogverzoek mee."
    solution_en = "Send the code_verifier of this login request."


class LoginNoLongerValid(OidcError):
    code = "ZID-OIDC-LOGIN-ENDED"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "Dit inloggen geldt niet meer: het ID is geblokkeerd of ingetrokken, of de sessie is beëindigd."
    cause_en = "This login is no longer valid: the ID has been blocked or revoked, or the session has ended."
    solution_nl = "Laat de gebruiker opnieuw inloggen; lukt dat niet, dan neemt hij contact op met zijn beheerder."
    solution_en = "Have the user log in again; if that fails, he contacts his administrator."


class OrganisationLeft(OidcError):
    code = "ZID-OIDC-ORGANISATION-LEFT"
    status = 400
    oauth_error = "invalid_grant"
    cause_nl = "De medewerker heeft geen rol meer in de organisatie waarvoor hij inlogde."
    cause_en = "The employee no longer holds a role in the organisation he logged in for."
    solution_nl = ("Laat de gebruiker opnieuw inloggen voor een organisatie waar hij een rol heeft; hoort hij er nog "
                   "bij, dan geeft de beheerder van de organisatie hem weer een rol.")
    solution_en = ("Have the user log in again for an organisation where he holds a role; if he still belongs to "
                   "it, the organisation's administrator gives him a role again.")


# -- the userinfo endpoint (RFC 6750) ----------------------------------------------------------------------------


class AccessTokenMissing(OidcError):
    code = "ZID-OIDC-TOKEN-MISSING"
    status = 401
    oauth_error = "invalid_token"
    cause_nl = "Het verzoek heeft geen toegangstoken (Authorization: Bearer …)."
    cause_en = "The request has no access token (Authorization: Bearer …)."
    solution_nl = "Stuur het access_token uit het tokenantwoord mee in de header Authorization: Bearer."
    solution_en = "Send the access_token of the token answer in the header Authorization: Bearer."


class AccessTokenInvalid(OidcError):
    code = "ZID-OIDC-TOKEN-INVALID"
    status = 401
    oauth_error = "invalid_token"
    cause_nl = "Het toegangstoken is onbekend, verlopen (5 minuten) of ingetrokken."
    cause_en = "The access token is unknown, expired (5 minutes) or revoked."
    solution_nl = "Laat de gebruiker opnieuw inloggen voor een nieuw toegangstoken."
    solution_en = "Have the user log in again for a new access token."


class SessionEnded(OidcError):
    code = "ZID-OIDC-SESSION-ENDED"
    status = 401
    oauth_error = "invalid_token"
    cause_nl = "De sessie van dit toegangstoken is beëindigd (uitgelogd, geblokkeerd, of de applicatie is opgeschort)."
    cause_en = "The session of this access token has ended (logged out, blocked, or the application was suspended)."
    solution_nl = "Laat de gebruiker opnieuw inloggen."
    solution_en = "Have the user log in again."


# -- the installation's signing keys (zorgid oidc keys ...) -------------------------------------------------------


class SigningKeyUnknown(OidcError):
    code = "ZID-OIDC-KEY-UNKNOWN"
    status = 404
    cause_nl = "Er is geen gepubliceerde ondertekensleutel met deze kid."
    cause_en = "There is no published signing key with this kid."
    solution_nl = "Bekijk de sleutels met 'zorgid oidc keys list' en geef een kid uit die lijst."
    solution_en = "Look at the keys with 'zorgid oidc keys list' and give a kid of that list."


class SigningKeyInUse(OidcError):
    code = "ZID-OIDC-KEY-IN-USE"
    status = 409
    cause_nl = "Dit is de sleutel die nu ondertekent; die kan niet worden teruggetrokken."
    cause_en = "This is the key that signs now; it cannot be retired."
    solution_nl = "Maak eerst een nieuwe sleutel met 'zorgid oidc keys rotate' en trek deze later terug."
    solution_en = "Make a new key first with 'zorgid oidc keys rotate' and retire this one later."


# -- mutual TLS client authentication (oidc/mtls.py; the certificate's own refusals are pki's and UZI's) -----------


class TlsCertificateMissing(OidcError):
    code = "ZID-OIDC-TLS-CERTIFICATE"
    status = 401
    oauth_error = "invalid_client"
    cause_nl = "De zorgapplicatie is geregistreerd voor mutual TLS, maar er kwam geen (leesbaar) clientcertificaat mee."
    cause_en = "The healthcare application is registered for mutual TLS, but no (readable) client certificate came."
    solution_nl = ("Maak de verbinding naar het token-endpoint met mutual TLS en het geregistreerde certificaat, via "
                   "het adres dat de operator daarvoor geeft.")
    solution_en = ("Connect to the token endpoint with mutual TLS and the registered certificate, through the address "
                   "the operator gives for it.")


class TlsUraMismatch(OidcError):
    code = "ZID-OIDC-TLS-URA"
    status = 401
    oauth_error = "invalid_client"
    cause_nl = ("Het UZI-servercertificaat is van een andere organisatie (URA) dan waarvoor de applicatie is "
                "geregistreerd.")
    cause_en = "The UZI server certificate is of another organisation (URA) than the application is registered for."
    solution_nl = ("Gebruik het UZI-servercertificaat van de geregistreerde organisatie, of laat de registratie "
                   "aanpassen.")
    solution_en = "Use the UZI server certificate of the registered organisation, or have the registration changed."


class TlsSubjectMismatch(OidcError):
    code = "ZID-OIDC-TLS-SUBJECT"
    status = 401
    oauth_error = "invalid_client"
    cause_nl = "Het onderwerp (subject) van het clientcertificaat is niet het geregistreerde."
    cause_en = "The subject of the client certificate is not the registered one."
    solution_nl = ("Gebruik het certificaat met het geregistreerde subject, of laat de operator het nieuwe subject "
                   "registreren (bij een nieuw certificaat).")
    solution_en = ("Use the certificate with the registered subject, or have the operator register the new subject "
                   "(for a new certificate).")


# -- logout started by the application (GET/POST /oidc/logout; oidc/logout.py) -------------------------------------


class LogoutRequestInvalid(OidcError):
    code = "ZID-OIDC-LOGOUT-REQUEST"
    status = 400
    cause_nl = "Het uitlogverzoek van de zorgapplicatie is ongeldig (een gegeven is te lang of dubbel)."
    cause_en = "The healthcare application's logout request is invalid (an item is too long or repeated)."
    solution_nl = "De leverancier moet het verzoek verbeteren; zie docs/koppelen.md, Uitloggen."
    solution_en = "The supplier must correct the request; see docs/koppelen.md, Uitloggen (logout)."


class LogoutHintMissing(OidcError):
    code = "ZID-OIDC-LOGOUT-HINT-MISSING"
    status = 400
    cause_nl = "Het uitlogverzoek noemt de sessie niet: id_token_hint ontbreekt."
    cause_en = "The logout request does not name the session: id_token_hint is missing."
    solution_nl = ("Sluit het venster om het werk te beëindigen. De leverancier moet het ID-token van de sessie "
                   "meesturen als id_token_hint.")
    solution_en = ("Close the window to end your work. The supplier must send the session's ID token as "
                   "id_token_hint.")


class LogoutHintInvalid(OidcError):
    code = "ZID-OIDC-LOGOUT-HINT"
    status = 400
    cause_nl = "De id_token_hint is geen ID-token van deze ZORG-ID-omgeving (onleesbaar, vervalst of van elders)."
    cause_en = ("The id_token_hint is not an ID token of this ZORG-ID environment (unreadable, forged or from "
                "elsewhere).")
    solution_nl = ("Er is niets beëindigd. Sluit het venster; de leverancier moet het ID-token meesturen dat ZORG-ID "
                   "bij deze sessie gaf.")
    solution_en = ("Nothing has been ended. Close the window; the supplier must send the ID token ZORG-ID gave for "
                   "this session.")


class LogoutClientMismatch(OidcError):
    code = "ZID-OIDC-LOGOUT-CLIENT"
    status = 400
    cause_nl = "De client_id van het uitlogverzoek is niet de applicatie waarvoor het ID-token is uitgegeven."
    cause_en = "The client_id of the logout request is not the application the ID token was issued to."
    solution_nl = "Er is niets beëindigd. De leverancier moet de eigen client_id en het eigen ID-token meesturen."
    solution_en = "Nothing has been ended. The supplier must send its own client_id and its own ID token."


# Errors of the layers below, by the OAuth error an application gets for them (RFC 6749 §4.1.2.1, §5.2).
FOREIGN_OAUTH_ERRORS = {
    "ZID-CARE-APP-SUSPENDED": "unauthorized_client",
    "ZID-CARE-APP-WITHDRAWN": "unauthorized_client",
    "ZID-CARE-APP-VERSION": "unauthorized_client",
    "ZID-CARE-APP-PRODUCT": "unauthorized_client",
}


def oauth_error_of(error: ZorgidError) -> str:
    """The OAuth error code an application gets for ``error``."""
    if isinstance(error, OidcError):
        return error.oauth_error
    if error.code in FOREIGN_OAUTH_ERRORS:
        return FOREIGN_OAUTH_ERRORS[error.code]
    return "invalid_request" if error.status == 400 else "access_denied"


_ALLOWED = {chr(c) for c in range(0x20, 0x7F)} - {'"', "\\"}  # RFC 6749 §5.2: error_description's characters


def describe(error: ZorgidError) -> str:
    """``error_description``: the ZID code first (what a person reports), then the English cause and the detail."""
    text = f"{error.code}: {error.cause_en}" + (f" ({error.detail})" if error.detail else "")
    text = text.replace("…", "...").replace("≤", "at most ")
    return "".join(ch if ch in _ALLOWED else "?" for ch in text)[:400]
