"""Reading an organisation document from outside: bounded, no DTD, no entities, no network (R-SEC-INPUT).

R-FLOW-APPLY step 3 refuses "external entities, DTDs, and documents over a size bound". The bound is
checked before a byte is parsed. A DOCTYPE is refused twice: in the raw bytes (cheap, before libxml2 sees
an internal subset, so a billion-laughs subset is never read) and in the parsed document's docinfo (for
encodings in which the raw check cannot see it, such as UTF-16). Processing instructions other than the
XML declaration have no place in a data document and are refused too (an ``xml-stylesheet`` could make a
viewer fetch something).
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import DocumentMalformed, DocumentTooLarge, DtdRefused
from .schema import hardened_parser

MAX_DOCUMENT_BYTES = 256 * 1024
_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_untrusted(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> etree._Element:
    """The root element of ``data``; DocumentTooLarge, DtdRefused or DocumentMalformed otherwise."""
    if not isinstance(data, bytes | bytearray):
        raise DocumentMalformed("the document is not bytes")
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"{len(data)} bytes; at most {max_bytes}")
    if not data.strip():
        raise DocumentMalformed("the document is empty")
    if _DTD_MARKERS.search(data):
        raise DtdRefused("the document contains <!DOCTYPE or <!ENTITY")
    try:
        root = etree.fromstring(bytes(data), hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentMalformed(str(exc)[:300]) from exc
    check_no_dtd(root)
    check_no_processing_instructions(root)
    return root


def check_no_dtd(root: etree._Element) -> None:
    """No DOCTYPE, internal or external subset, nor entity reference anywhere (XML 1.0 §2.8, §4.1)."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise DtdRefused("the document has a document type declaration")
    if next(root.iter(etree.Entity), None) is not None:
        raise DtdRefused("the document contains an entity reference")


def check_no_processing_instructions(root: etree._Element) -> None:
    """No processing instruction before, inside or after the root element (the XML declaration is none)."""
    outside = [*root.itersiblings(preceding=True), *root.itersiblings()]
    inside = root.iter(etree.PI)
    for node in (*outside, *inside):
        if isinstance(node, etree._ProcessingInstruction):
            raise DocumentMalformed(f"processing instruction <?{node.target} …?> is not allowed"[:200])
