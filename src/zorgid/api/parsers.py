"""A JSON parser that reads at most a bounded number of bytes and refuses control characters (R-SEC-INPUT).

Django bounds ``request.body`` but not a stream read by a parser; the app's messages are small, so
anything larger than MAX_BODY_BYTES is refused before it is read into memory.
"""

from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

from zorgid.control_characters import check_json

from .errors import TooLarge

MAX_BODY_BYTES = 16 * 1024


def read_bounded(stream, parser_context, limit: int) -> bytes:
    """The body, refused before reading when it says it is larger than ``limit``, and while reading if it is."""
    request = (parser_context or {}).get("request")
    declared = request.META.get("CONTENT_LENGTH") if request is not None else None
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"body of {declared} bytes, at most {limit}")
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise TooLarge(f"body larger than {limit} bytes")
    return data


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = read_bounded(stream, parser_context, MAX_BODY_BYTES)
        try:
            value = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested too deep
            raise ParseError("body is not valid JSON") from exc
        check_json(value)  # a NUL cannot be stored, and no other control character belongs in a message
        return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


MAX_XML_BYTES = 512 * 1024


class BoundedXmlParser(BaseParser):
    """The signed organisation document as raw bytes (never parsed here: zorgid.orgdoc does it, hardened)."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return read_bounded(stream, parser_context, MAX_XML_BYTES)
