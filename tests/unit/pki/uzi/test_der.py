import pytest

from zorgid.pki.uzi import der

from .factory import der as der_tlv
from .factory import ia5, oid, permanent_identifier, utf8


def test_strings_and_identifiers_decode():
    assert der.ia5_string(ia5("2.16.528.1.1007.99.217-1")) == "2.16.528.1.1007.99.217-1"
    assert der.ia5_string(ia5("x" * 300)) == "x" * 300
    assert der.utf8_string(utf8("Tést")) == "Tést"
    assert der.permanent_identifier(permanent_identifier("90000382")) == ("90000382", "2.16.528.1.1007.3.3")
    assert der.permanent_identifier(b"\x30\x00") == (None, None)


@pytest.mark.parametrize("raw", [
    b"",  # nothing
    b"\x16",  # no length
    b"\x16\x04abc",  # truncated
    b"\x16\x03abcd",  # trailing byte
    b"\x16\x81\x03abc",  # non-minimal length
    b"\x16\x82\x00\x03abc",  # leading zero length byte
    b"\x16\x80abc\x00\x00",  # indefinite length (BER)
    b"\x36\x80\x16\x01a\x00\x00",  # constructed (BER)
    b"\x0c\x03abc",  # UTF8String, not IA5String
    b"\x13\x03abc",  # PrintableString
    b"\x16\x03ab\xe9",  # byte outside 7-bit ASCII
    b"\x1f\x16\x03abc",  # high tag number form
])
def test_anything_but_a_der_ia5_string_is_refused(raw):
    with pytest.raises(ValueError):
        der.ia5_string(raw)


@pytest.mark.parametrize("raw", [
    b"\x30\x03\x02\x01\x05",  # an INTEGER inside
    permanent_identifier("90000382")[:-1],  # truncated
    b"\x30\x04\x06\x02\x80\x01",  # OID arc with a leading 0x80
    b"\x30\x03\x06\x01\x81",  # OID ending in the middle of an arc
    b"\x30\x02\x06\x00",  # empty OID
    der_tlv(0x30, oid("1.2.3") + utf8("x")),  # a value after the assigner
])
def test_malformed_permanent_identifiers_are_refused(raw):
    with pytest.raises(ValueError):
        der.permanent_identifier(raw)


def test_object_identifiers_with_large_first_arcs():
    assert der.object_identifier(oid("2.999.3")[2:]) == "2.999.3"
