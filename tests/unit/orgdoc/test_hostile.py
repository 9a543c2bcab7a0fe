"""The hostile document corpus: each document is refused, with its own code (R-FLOW-APPLY step 3,
R-SEC-INPUT). Every signature here is real (signxml, possibly told to allow SHA-1); each case says what
it tries."""

from __future__ import annotations

import contextlib
import copy
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from signxml import DigestAlgorithm, SignatureConstructionMethod, SignatureMethod

from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
from zorgid.orgdoc import verify_document
from zorgid.orgdoc.schema import hardened_parser
from zorgid.protocol.errors import ZorgidError

from .factory import DS, NAME, OTHER_URA, O, m_card, raw_sign, self_signed_server, server_with_key, text, tree, unsigned

FORGED = "Nep B.V."
BODY = unsigned().split(b"?>", 1)[1]


def forged_root(kit):
    return tree(unsigned(name=FORGED))


def signature_of(kit):
    return tree(kit.signed)[-1]


# --- signature wrapping -------------------------------------------------------------------------------

def extra_unsigned_organisatiegegevens(kit):
    """A second, unsigned Organisatiegegevens before the signed one, for a reader that takes the first."""
    root = tree(kit.signed)
    fake = copy.deepcopy(root.find("o:Organisatiegegevens", O))
    fake.find("o:Naam", O).text = FORGED
    root.insert(1, fake)
    return text(root)


def signed_content_moved_into_object(kit):
    """Forged data at the root; the signed original moved into a ds:Object of the (valid) signature."""
    root, signature = forged_root(kit), signature_of(kit)
    original = tree(kit.signed)
    original.remove(original[-1])
    obj = etree.SubElement(signature, f"{{{DS}}}Object")
    obj.append(original)
    root.append(signature)
    return text(root)


def signed_document_inside_a_forged_root(kit):
    """The whole signed document as a child of a forged root with forged data."""
    root = forged_root(kit)
    root.append(tree(kit.signed))
    return text(root)


def signed_copy_after_the_signature(kit):
    """Forged data, the original signature, then a root-level copy of the signed document behind it."""
    root = forged_root(kit)
    root.append(signature_of(kit))
    original = tree(kit.signed)
    original.remove(original[-1])
    root.append(original)
    return text(root)


def a_second_root_element(kit):
    return kit.signed + BODY.replace(NAME.encode(), FORGED.encode())


def changed_after_signing(kit):
    return kit.signed.replace(NAME.encode(), FORGED.encode())


def partial_reference_by_id(kit):
    """A signature over one element (URI="#deel"), the rest free to change."""
    root = tree(unsigned())
    root.find("o:Organisatiegegevens", O).set("Id", "deel")
    return raw_sign(root, kit.server.key, [kit.server.certificate], reference_uri="#deel")


def detached_reference_to_a_file(kit):
    signed = tree(kit.signed)
    signed[-1].find("ds:SignedInfo/ds:Reference", O).set("URI", "organisatie.xml")
    return text(signed)


def enveloping_signature(kit):
    return raw_sign(tree(unsigned()), kit.server.key, [kit.server.certificate],
                    construction=SignatureConstructionMethod.enveloping)


def two_references(kit):
    signed = tree(kit.signed)
    signed_info = signed[-1].find("ds:SignedInfo", O)
    signed_info.append(copy.deepcopy(signed_info.find("ds:Reference", O)))
    return text(signed)


def two_signatures(kit):
    root = tree(kit.signed)
    root.append(copy.deepcopy(root[-1]))
    return text(root)


def a_nested_second_signature(kit):
    root = tree(kit.signed)
    root.find("o:TechnischBeheerder", O).append(copy.deepcopy(root[-1]))
    return text(root)


def unsigned_document(kit):
    return unsigned()


# --- DTD, entities, parser ----------------------------------------------------------------------------

def xxe_file(kit):
    return (b'<?xml version="1.0"?><!DOCTYPE Organisatie [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + BODY.replace(NAME.encode(), b"&x;"))


def billion_laughs(kit):
    entities = b"".join(b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i, *(i - 1,) * 10))
                        for i in range(1, 10))
    return b'<!DOCTYPE Organisatie [<!ENTITY l0 "lol">' + entities + b"]>" + BODY.replace(NAME.encode(), b"&l9;")


def a_plain_doctype(kit):
    return b"<!DOCTYPE Organisatie>" + kit.signed.split(b"?>", 1)[1]


def parameter_entity(kit):
    return b'<!DOCTYPE Organisatie [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>' + BODY


def doctype_in_utf16(kit):
    """The raw-bytes check cannot see a UTF-16 DOCTYPE; the parsed document's docinfo does."""
    return ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE Organisatie>'
            + BODY.decode()).encode("utf-16")


def processing_instruction(kit):
    return kit.signed.replace(b"?>", b'?><?xml-stylesheet href="http://example.org/x.xsl"?>', 1)


def not_xml(kit):
    return b"%PDF-1.7 dit is geen XML"


def over_the_size_bound(kit):
    return kit.signed.replace(b"<Referentie>", b"<!--" + b"x" * (256 * 1024) + b"--><Referentie>")


# --- algorithms ---------------------------------------------------------------------------------------

def sha1_signature(kit):
    return raw_sign(unsigned(), kit.server.key, [kit.server.certificate], method=SignatureMethod.RSA_SHA1)


def sha1_digest(kit):
    return raw_sign(unsigned(), kit.server.key, [kit.server.certificate], digest=DigestAlgorithm.SHA1)


def sha224_digest(kit):
    return raw_sign(unsigned(), kit.server.key, [kit.server.certificate], digest=DigestAlgorithm.SHA224)


def xslt_transform(kit):
    signed = tree(kit.signed)
    transforms = signed[-1].find("ds:SignedInfo/ds:Reference/ds:Transforms", O)
    etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116")
    return text(signed)


def weak_rsa_key(kit):
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return raw_sign(unsigned(), key, [server_with_key(kit.ca, key)])


def signature_without_value(kit):
    signed = tree(kit.signed)
    signed[-1].remove(signed[-1].find("ds:SignatureValue", O))
    return text(signed)


# --- the signing certificate --------------------------------------------------------------------------

def no_certificate(kit):
    signed = tree(kit.signed)
    signed[-1].remove(signed[-1].find("ds:KeyInfo", O))
    return text(signed)


def garbage_certificate(kit):
    signed = tree(kit.signed)
    signed[-1].find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", O).text = "TUlJQmdhcmJhZ2U="
    return text(signed)


def two_signing_certificates(kit):
    other = kit.ca.issue_server_certificate("90000382", "ander.zorg.example")
    return raw_sign(unsigned(), kit.server.key, [kit.server.certificate, other.certificate])


def certificate_of_another_ura(kit):
    other = kit.ca.issue_server_certificate(OTHER_URA, "ander.zorg.example")
    return raw_sign(unsigned(), other.key, [other.certificate])


def expired_certificate(kit):
    expired = kit.ca.issue_server_certificate("90000382", "oud.zorg.example", expired=True)
    return raw_sign(unsigned(), expired.key, [expired.certificate])


def self_signed_certificate(kit):
    key, cert = self_signed_server()
    return raw_sign(unsigned(), key, [cert])


def certificate_of_an_untrusted_ca(kit):
    """A second test UZI CA, in the same profile, that the trust store does not hold."""
    other_ca = ensure_test_uzi_ca(kit.ca.directory.parent / "andere-ca")
    issued = other_ca.issue_server_certificate("90000382", "portaal.zorg.example")
    return raw_sign(unsigned(), issued.key, [issued.certificate])


def m_card_certificate(kit):
    key, cert = m_card(kit.ca)
    return raw_sign(unsigned(), key, [cert])


def z_card_certificate(kit):
    key, cert = m_card(kit.ca, "Z")
    return raw_sign(unsigned(), key, [cert])


def not_matching_the_xsd(kit):
    return raw_sign(unsigned().replace(b"<URA>90000382</URA>", b"<URA>9000038</URA>"),
                    kit.server.key, [kit.server.certificate])


CORPUS = [
    (extra_unsigned_organisatiegegevens, "ZID-XML-SCHEMA"),
    (signed_content_moved_into_object, "ZID-XML-SIGNATURE-SCOPE"),
    (signed_document_inside_a_forged_root, "ZID-XML-SIGNATURE-SCOPE"),
    (signed_copy_after_the_signature, "ZID-XML-SIGNATURE-SCOPE"),
    (a_second_root_element, "ZID-XML-MALFORMED"),
    (changed_after_signing, "ZID-XML-SIGNATURE-INVALID"),
    (partial_reference_by_id, "ZID-XML-SIGNATURE-SCOPE"),
    (detached_reference_to_a_file, "ZID-XML-SIGNATURE-SCOPE"),
    (enveloping_signature, "ZID-XML-SIGNATURE-SCOPE"),
    (two_references, "ZID-XML-SIGNATURE-SCOPE"),
    (two_signatures, "ZID-XML-SIGNATURE-COUNT"),
    (a_nested_second_signature, "ZID-XML-SIGNATURE-COUNT"),
    (unsigned_document, "ZID-XML-SIGNATURE-MISSING"),
    (xxe_file, "ZID-XML-DTD"),
    (billion_laughs, "ZID-XML-DTD"),
    (a_plain_doctype, "ZID-XML-DTD"),
    (parameter_entity, "ZID-XML-DTD"),
    (doctype_in_utf16, "ZID-XML-DTD"),
    (processing_instruction, "ZID-XML-MALFORMED"),
    (not_xml, "ZID-XML-MALFORMED"),
    (over_the_size_bound, "ZID-XML-TOO-LARGE"),
    (sha1_signature, "ZID-XML-SHA1"),
    (sha1_digest, "ZID-XML-SHA1"),
    (sha224_digest, "ZID-XML-ALGORITHM"),
    (xslt_transform, "ZID-XML-ALGORITHM"),
    (weak_rsa_key, "ZID-XML-ALGORITHM"),
    (signature_without_value, "ZID-XML-SIGNATURE-MALFORMED"),
    (no_certificate, "ZID-XML-CERTIFICATE-COUNT"),
    (garbage_certificate, "ZID-XML-CERTIFICATE-UNREADABLE"),
    (two_signing_certificates, "ZID-XML-CERTIFICATE-COUNT"),
    (certificate_of_another_ura, "ZID-XML-URA-MISMATCH"),
    (expired_certificate, "ZID-UZI-EXPIRED"),
    (self_signed_certificate, "ZID-UZI-UNTRUSTED"),
    (certificate_of_an_untrusted_ca, "ZID-UZI-UNTRUSTED"),
    (m_card_certificate, "ZID-XML-CERTIFICATE-TYPE"),
    (z_card_certificate, "ZID-XML-CERTIFICATE-TYPE"),
    (not_matching_the_xsd, "ZID-XML-SCHEMA"),
]


@pytest.mark.parametrize(("make", "code"), CORPUS, ids=[make.__name__ for make, _ in CORPUS])
def test_the_hostile_document_is_refused_with_its_code(kit, make, code):
    data = make(kit)
    with pytest.raises(ZorgidError) as refused:
        verify_document(data, kit.store, kit.now)
    assert refused.value.code == code, refused.value


def test_the_size_bound_is_a_parameter(kit):
    with pytest.raises(ZorgidError, match="ZID-XML-TOO-LARGE"):
        verify_document(kit.signed, kit.store, kit.now, max_bytes=1024)


def test_an_external_entity_is_never_fetched(kit):
    """An XXE pointing at a server of our own: refused, and the server sees no request at all."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"Nep B.V.")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/naam".encode()
        entity = b'<!DOCTYPE Organisatie [<!ENTITY x SYSTEM "' + url + b'">]>' + BODY.replace(NAME.encode(), b"&x;")
        external = b'<!DOCTYPE Organisatie SYSTEM "' + url + b'">' + BODY
        for data in (entity, external):
            with pytest.raises(ZorgidError, match="ZID-XML-DTD"):
                verify_document(data, kit.store, kit.now)
            with contextlib.suppress(etree.XMLSyntaxError):  # "Attempt to load network entity": no_network
                etree.fromstring(data, hardened_parser())  # the parser alone, behind the raw check, fetches nothing
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_the_corpus_covers_every_refusal_of_the_document():
    from zorgid.orgdoc import errors

    document_codes = {cls.code for cls in vars(errors).values()
                      if isinstance(cls, type) and issubclass(cls, errors.XmlError) and "code" in cls.__dict__}
    not_here = {"ZID-XML-INCOMPLETE", "ZID-XML-FIELD-INVALID", "ZID-XML-FIELD-FIXED", "ZID-XML-ALREADY-SIGNED",
                "ZID-XML-REFERENCE-MISMATCH", "ZID-XML-CONTENT-MISMATCH"}
    assert document_codes - not_here <= {code for _, code in CORPUS}
