"""Errors of the organisation XML document: reading, filling, signing and verifying it (R-FLOW-APPLY, R-ERR).

One class per refusal, each with its own stable code, because every refusal reaches the technisch beheerder
(by the Validatietool, the portal or a reply e-mail) and the operator, and each must say what to do. The
refusals of the signing certificate's trust (chain, expiry, revocation, policy) are the UZI codes of
:mod:`zorgid.pki.uzi.errors`; only what is particular to the document lives here.
"""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError

_TOOL = "zorgid-validatietool"


class XmlError(ZorgidError):
    """Grouping class (no code of its own): every refusal of an organisation document."""

    status = 400


class DocumentTooLarge(XmlError):
    code = "ZID-XML-TOO-LARGE"
    status = 413
    cause_nl = "Het XML-document is groter dan is toegestaan (256 KiB)."
    cause_en = "The XML document is larger than allowed (256 KiB)."
    solution_nl = ("Lever alleen het organisatiedocument aan dat u per e-mail kreeg, aangevuld en ondertekend, zonder "
                   "extra inhoud. Controleer dat u het juiste bestand kiest.")
    solution_en = ("Supply only the organisation document you received by e-mail, completed and signed, without extra "
                   "content. Check that you chose the right file.")


class DtdRefused(XmlError):
    code = "ZID-XML-DTD"
    cause_nl = "Het XML-document bevat een DOCTYPE (DTD) of entiteiten; die zijn om veiligheidsredenen niet toegestaan."
    cause_en = "The XML document contains a DOCTYPE (DTD) or entities; these are not allowed, for security reasons."
    solution_nl = (f"Vul het oorspronkelijke document opnieuw aan met {_TOOL} fill en onderteken het met "
                   f"{_TOOL} sign; voeg geen <!DOCTYPE> of <!ENTITY> toe.")
    solution_en = (f"Complete the original document again with {_TOOL} fill and sign it with {_TOOL} sign; "
                   "do not add <!DOCTYPE> or <!ENTITY>.")


class DocumentMalformed(XmlError):
    code = "ZID-XML-MALFORMED"
    cause_nl = "Het bestand is geen geldig XML-document (zie detail), of bevat verwerkingsinstructies (<?…?>)."
    cause_en = "The file is not a well-formed XML document (see detail), or it contains processing instructions."
    solution_nl = (f"Gebruik het document uit de bevestigingsmail, vul het aan met {_TOOL} fill en onderteken het "
                   f"met {_TOOL} sign. Bewerkt u het met de hand, controleer het dan met {_TOOL} verify.")
    solution_en = (f"Use the document from the confirmation e-mail, complete it with {_TOOL} fill and sign it with "
                   f"{_TOOL} sign. If you edit it by hand, check it with {_TOOL} verify.")


class SchemaInvalid(XmlError):
    code = "ZID-XML-SCHEMA"
    cause_nl = "Het document voldoet niet aan het XML-schema van het organisatiedocument (zie detail)."
    cause_en = "The document does not conform to the XML schema of the organisation document (see detail)."
    solution_nl = (f"Vul het document aan met {_TOOL} fill; die controleert elk gegeven. Het detail noemt het "
                   "element dat niet klopt.")
    solution_en = f"Complete the document with {_TOOL} fill, which checks every field. The detail names the element."


class DocumentIncomplete(XmlError):
    code = "ZID-XML-INCOMPLETE"
    cause_nl = "Het organisatiedocument is nog niet volledig ingevuld (het detail noemt wat ontbreekt)."
    cause_en = "The organisation document has not been completed yet (the detail lists what is missing)."
    solution_nl = f"Vul de ontbrekende gegevens in met {_TOOL} fill (zie {_TOOL} fill --help) en onderteken daarna."
    solution_en = f"Fill in the missing fields with {_TOOL} fill (see {_TOOL} fill --help), then sign."


class FieldInvalid(XmlError):
    code = "ZID-XML-FIELD-INVALID"
    cause_nl = "Een ingevuld gegeven heeft niet de juiste vorm (het detail noemt welk gegeven)."
    cause_en = "A field does not have the right form (the detail names the field)."
    solution_nl = ("Verbeter het gegeven: URA en KvK-nummer 8 cijfers, postcode als 1234 AB, telefoon als "
                   "0612345678 of +31612345678, een e-mailadres met @.")
    solution_en = ("Correct the field: URA and KvK number 8 digits, postcode as 1234 AB, phone as 0612345678 or "
                   "+31612345678, an e-mail address with @.")


class FieldFixed(XmlError):
    code = "ZID-XML-FIELD-FIXED"
    cause_nl = "De referentie en het URA-nummer in het document liggen vast en kunnen niet worden gewijzigd."
    cause_en = "The reference and the URA number in the document are fixed and cannot be changed."
    solution_nl = ("Klopt het URA-nummer niet, dien dan een nieuwe aanvraag in met het juiste URA-nummer. Gebruik "
                   "voor elke aanvraag het document dat bij die aanvraag hoort.")
    solution_en = ("If the URA number is wrong, submit a new application with the right URA number. Use for each "
                   "application the document that belongs to it.")


class AlreadySigned(XmlError):
    code = "ZID-XML-ALREADY-SIGNED"
    cause_nl = ("Het document is al ondertekend; een ondertekend document kan niet meer worden aangevuld of opnieuw "
                "ondertekend.")
    cause_en = "The document is already signed; a signed document cannot be completed or signed again."
    solution_nl = ("Ga uit van het niet-ondertekende document (de bijlage van de bevestigingsmail of de uitvoer van "
                   "fill).")
    solution_en = "Start from the unsigned document (the confirmation e-mail's attachment or the output of fill)."


class SignatureMissing(XmlError):
    code = "ZID-XML-SIGNATURE-MISSING"
    cause_nl = "Het document is niet ondertekend: er is geen XML-handtekening (ds:Signature) gevonden."
    cause_en = "The document is not signed: no XML signature (ds:Signature) was found."
    solution_nl = (f"Onderteken het document met de private sleutel van het UZI-servercertificaat van uw organisatie: "
                   f"{_TOOL} sign. Stuur daarna het ondertekende bestand terug.")
    solution_en = (f"Sign the document with the private key of your organisation's UZI server certificate: "
                   f"{_TOOL} sign. Then send back the signed file.")


class SignatureCount(XmlError):
    code = "ZID-XML-SIGNATURE-COUNT"
    cause_nl = "Het document bevat meer dan één XML-handtekening; er mag er precies één zijn."
    cause_en = "The document contains more than one XML signature; exactly one is allowed."
    solution_nl = ("Onderteken het niet-ondertekende document één keer, met het UZI-servercertificaat van uw "
                   "organisatie.")
    solution_en = "Sign the unsigned document once, with your organisation's UZI server certificate."


class SignatureScope(XmlError):
    code = "ZID-XML-SIGNATURE-SCOPE"
    cause_nl = ("De handtekening dekt niet het hele document: ze moet een enveloped handtekening zijn, als laatste "
                "element in <Organisatie>, met één Reference URI=\"\" en de transformatie enveloped-signature.")
    cause_en = ("The signature does not cover the whole document: it must be an enveloped signature, the last "
                "element inside <Organisatie>, with one Reference URI=\"\" and the enveloped-signature transform.")
    solution_nl = (f"Onderteken met {_TOOL} sign. Gebruikt u ander gereedschap (xmlsec1), onderteken dan het hele "
                   "document (enveloped, Reference URI=\"\"), niet een deel en niet als los (detached) bestand.")
    solution_en = (f"Sign with {_TOOL} sign. With other tools (xmlsec1), sign the whole document (enveloped, "
                   "Reference URI=\"\"), not a part, and not as a separate (detached) file.")


class SignatureMalformed(XmlError):
    code = "ZID-XML-SIGNATURE-MALFORMED"
    cause_nl = "De XML-handtekening voldoet niet aan de XML Signature-standaard (zie detail)."
    cause_en = "The XML signature does not conform to the XML Signature standard (see detail)."
    solution_nl = f"Onderteken het niet-ondertekende document opnieuw met {_TOOL} sign."
    solution_en = f"Sign the unsigned document again with {_TOOL} sign."


class AlgorithmRefused(XmlError):
    code = "ZID-XML-ALGORITHM"
    cause_nl = "De handtekening gebruikt een algoritme, transformatie of sleutel die hier niet is toegestaan."
    cause_en = "The signature uses an algorithm, transform or key that is not allowed here."
    solution_nl = ("Onderteken met RSA-SHA256 (de standaard van zorgid-validatietool), RSA-SHA384/512, RSA-PSS of "
                   "ECDSA met SHA-256 of sterker, digest SHA-256 of sterker, en een sleutel van minstens 2048 bits.")
    solution_en = ("Sign with RSA-SHA256 (zorgid-validatietool's default), RSA-SHA384/512, RSA-PSS or ECDSA with "
                   "SHA-256 or stronger, a SHA-256 or stronger digest, and a key of at least 2048 bits.")


class Sha1Refused(XmlError):
    code = "ZID-XML-SHA1"
    cause_nl = "De handtekening gebruikt SHA-1; dat is niet meer veilig en wordt geweigerd."
    cause_en = "The signature uses SHA-1, which is no longer secure and is refused."
    solution_nl = (f"Onderteken opnieuw met {_TOOL} sign (RSA-SHA256). Met xmlsec1: gebruik in het sjabloon "
                   "rsa-sha256 en de digest sha256.")
    solution_en = f"Sign again with {_TOOL} sign (RSA-SHA256). With xmlsec1: use rsa-sha256 and sha256 in the template."


class SignatureInvalid(XmlError):
    code = "ZID-XML-SIGNATURE-INVALID"
    cause_nl = ("De handtekening klopt niet: het document is na het ondertekenen gewijzigd, of de handtekening is "
                "beschadigd.")
    cause_en = "The signature does not verify: the document was changed after signing, or the signature is damaged."
    solution_nl = ("Wijzig een ondertekend document niet meer (ook geen spaties of regeleinden, ook niet door een "
                   "mailprogramma). Onderteken het niet-ondertekende document opnieuw en stuur het als bijlage.")
    solution_en = ("Do not change a signed document (not even spaces or line ends, nor by a mail program). Sign the "
                   "unsigned document again and send it as an attachment.")


class CertificateUnreadable(XmlError):
    code = "ZID-XML-CERTIFICATE-UNREADABLE"
    cause_nl = "Het certificaat (in de handtekening of in het opgegeven bestand) is onleesbaar."
    cause_en = "The certificate (in the signature or in the given file) is unreadable."
    solution_nl = ("Gebruik het UZI-servercertificaat als PEM-bestand (.pem, .crt, .cer) of in een PKCS#12-bestand "
                   "(.p12).")
    solution_en = "Use the UZI server certificate as a PEM file (.pem, .crt, .cer) or in a PKCS#12 file (.p12)."


class CertificateCount(XmlError):
    code = "ZID-XML-CERTIFICATE-COUNT"
    cause_nl = ("De handtekening moet precies één ondertekenend certificaat bevatten (KeyInfo/X509Data), eventueel "
                "met CA-certificaten erbij; dat is hier niet zo.")
    cause_en = ("The signature must contain exactly one signing certificate (KeyInfo/X509Data), optionally with CA "
                "certificates; it does not.")
    solution_nl = f"Onderteken met {_TOOL} sign; die neemt het UZI-servercertificaat op in de handtekening."
    solution_en = f"Sign with {_TOOL} sign, which puts the UZI server certificate in the signature."


class CertificateType(XmlError):
    code = "ZID-XML-CERTIFICATE-TYPE"
    status = 403
    cause_nl = ("Het document is ondertekend met een UZI-pas (pastype Z, N of M) in plaats van met het "
                "UZI-servercertificaat (pastype S) van de organisatie.")
    cause_en = ("The document was signed with a UZI card (card type Z, N or M) instead of the organisation's UZI "
                "server certificate (card type S).")
    solution_nl = ("Onderteken met de private sleutel van het UZI-servercertificaat van uw organisatie (aan te vragen "
                   "bij het UZI-register), niet met een persoonlijke UZI-pas.")
    solution_en = ("Sign with the private key of your organisation's UZI server certificate (requested from the UZI "
                   "register), not with a personal UZI card.")


class UraMismatch(XmlError):
    code = "ZID-XML-URA-MISMATCH"
    status = 403
    cause_nl = ("Het URA-nummer in het UZI-servercertificaat is niet het URA-nummer van het document of van de "
                "aanvraag.")
    cause_en = "The URA number in the UZI server certificate is not the URA number of the document or the application."
    solution_nl = ("Onderteken met het UZI-servercertificaat van de organisatie waarvoor u de aanvraag deed (hetzelfde "
                   "URA-nummer). Was het URA-nummer in de aanvraag fout, dien dan een nieuwe aanvraag in.")
    solution_en = ("Sign with the UZI server certificate of the organisation you applied for (the same URA number). "
                   "If the application's URA number was wrong, submit a new application.")


class ReferenceMismatch(XmlError):
    code = "ZID-XML-REFERENCE-MISMATCH"
    status = 409
    cause_nl = "De referentie in het document is niet de referentie van deze aanvraag."
    cause_en = "The reference in the document is not the reference of this application."
    solution_nl = ("Stuur het document terug dat bij deze aanvraag hoort (de referentie staat in de bevestigingsmail "
                   "en in het document), of lever het aan bij de juiste referentie.")
    solution_en = ("Send back the document that belongs to this application (the reference is in the confirmation "
                   "e-mail and in the document), or upload it with the right reference.")


class ContentMismatch(XmlError):
    code = "ZID-XML-CONTENT-MISMATCH"
    status = 409
    cause_nl = "De gegevens in het document komen niet overeen met de aanvraag (het detail noemt welke)."
    cause_en = "The data in the document do not match the application (the detail says which)."
    solution_nl = ("Laat naam en KvK-nummer in het document gelijk aan de aanvraag. Zijn de gegevens in de aanvraag "
                   "fout, neem dan contact op met de servicedesk van ZORG-ID.")
    solution_en = ("Keep the name and KvK number in the document equal to the application. If the application is "
                   "wrong, contact the ZORG-ID service desk.")
