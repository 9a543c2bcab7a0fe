"""A JSON parser that reads at most a bounded number of bytes (R-SEC-INPUT).

Django bounds ``request.body`` but not a stream read by a parser; the app's messages are small, so
anything larger than MAX_BODY_BYTES is refused before it is read into memory.
"""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

from .errors import TooLarge

MAX_BODY_BYTES = 16 * 1024


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise TooLarge(f"body of {declared} bytes, at most {MAX_BODY_BYTES}")
        data = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_BODY_BYTES:
            raise TooLarge(f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError("body is not valid JSON") from exc


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


MAX_XML_BYTES = 512 * 1024


class BoundedXmlParser(BaseParser):
    """The signed organisation document as raw bytes (never parsed here: zorgid.orgdoc does it, hardened)."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > MAX_XML_BYTES:
            raise TooLarge(f"document of {declared} bytes, at most {MAX_XML_BYTES}")
        data = stream.read(MAX_XML_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_XML_BYTES:
            raise TooLarge(f"document larger than {MAX_XML_BYTES} bytes")
        return data
