"""A tiny, strict DER reader for the values of UZI otherNames (X.690 §8 and §10).

``cryptography`` gives an otherName's value as raw DER, without decoding it. The values the UZI
profile uses are small: an IA5String (2.5.5.5), a UTF8String (the UPN) and a SEQUENCE of an optional
UTF8String and an optional OBJECT IDENTIFIER (permanentIdentifier, RFC 4043 §2). This reader accepts
DER only: definite, minimal lengths, low tag numbers, no trailing bytes. BER's other encodings of the
same value are refused, so one identifier has one encoding. Errors are ``ValueError``; the caller names
the field.
"""

from __future__ import annotations

IA5_STRING = 0x16
UTF8_STRING = 0x0C
OBJECT_IDENTIFIER = 0x06
SEQUENCE = 0x30
MAX_LENGTH = 4096


def read_tlv(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """Read one tag-length-value at ``offset``: (tag, contents, offset after it)."""
    if offset + 2 > len(data):
        raise ValueError("truncated DER")
    tag, first = data[offset], data[offset + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("high tag numbers are not used here")
    offset += 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise ValueError("indefinite length is not DER")
    else:
        count = first & 0x7F
        if count > 2 or offset + count > len(data):
            raise ValueError("length too long or truncated")
        length = int.from_bytes(data[offset:offset + count], "big")
        if data[offset] == 0 or length < 0x80:
            raise ValueError("length not minimally encoded")
        offset += count
    if length > MAX_LENGTH or offset + length > len(data):
        raise ValueError("contents truncated or too long")
    return tag, data[offset:offset + length], offset + length


def read_single(data: bytes, tag: int) -> bytes:
    """The contents of ``data``, which must be exactly one value with ``tag``."""
    found, contents, end = read_tlv(data)
    if found != tag:
        raise ValueError(f"expected tag 0x{tag:02x}, found 0x{found:02x}")
    if end != len(data):
        raise ValueError("trailing bytes after the value")
    return contents


def ia5_string(data: bytes) -> str:
    """Decode a DER IA5String (7-bit ASCII, X.680 §41)."""
    contents = read_single(data, IA5_STRING)
    if any(byte > 0x7F for byte in contents):
        raise ValueError("IA5String holds a byte outside 7-bit ASCII")
    return contents.decode("ascii")


def utf8_string(data: bytes) -> str:
    """Decode a DER UTF8String."""
    return read_single(data, UTF8_STRING).decode("utf-8")


def object_identifier(contents: bytes) -> str:
    """Decode the contents of an OBJECT IDENTIFIER to dotted form (X.690 §8.19)."""
    if not contents or contents[-1] & 0x80:
        raise ValueError("object identifier empty or truncated")
    arcs: list[int] = []
    value, start = 0, True
    for byte in contents:
        if start and byte == 0x80:
            raise ValueError("object identifier arc not minimally encoded")
        value, start = (value << 7) | (byte & 0x7F), not byte & 0x80
        if start:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in [first, arcs[0] - 40 * first, *arcs[1:]])


def permanent_identifier(data: bytes) -> tuple[str | None, str | None]:
    """Decode a permanentIdentifier (RFC 4043 §2): (identifierValue, assigner), each optional."""
    contents = read_single(data, SEQUENCE)
    value = assigner = None
    offset = 0
    if offset < len(contents) and contents[offset] == UTF8_STRING:
        _, raw, end = read_tlv(contents, offset)
        value, offset = raw.decode("utf-8"), end
    if offset < len(contents) and contents[offset] == OBJECT_IDENTIFIER:
        _, raw, end = read_tlv(contents, offset)
        assigner, offset = object_identifier(raw), end
    if offset != len(contents):
        raise ValueError("unexpected element in permanentIdentifier")
    return value, assigner
