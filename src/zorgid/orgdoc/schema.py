"""The XML schema of the organisation document, version 1 (R-FLOW-APPLY step 2).

The schema is ``schema/organisatie-v1.xsd`` beside this module, namespace ``urn:zorgid:organisatie:1``,
root ``<Organisatie versie="1">``. It is loaded once (per thread) with the same hardened parser as
untrusted documents: the schema is our own file, but one parser configuration means one set of rules.
The reference's pattern lives here too, so the server's application records and the schema agree on it
(a test keeps the two equal).
"""

from __future__ import annotations

import re
import secrets
import threading
from pathlib import Path

from lxml import etree

from .errors import SchemaInvalid

NAMESPACE = "urn:zorgid:organisatie:1"
VERSION = "1"
DS_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
ROOT_TAG = f"{{{NAMESPACE}}}Organisatie"
SIGNATURE_TAG = f"{{{DS_NAMESPACE}}}Signature"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "organisatie-v1.xsd"

# ZID-<year>-<8 characters>; the alphabet leaves out 0, 1, I and O, which are easily misread on paper.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_PATTERN = "ZID-[0-9]{4}-[A-HJ-NP-Z2-9]{8}"
REFERENCE_RE = re.compile(REFERENCE_PATTERN)


def is_reference(value: object) -> bool:
    """Whether ``value`` has the form of an application reference (``ZID-2026-ABCD2345``)."""
    return isinstance(value, str) and REFERENCE_RE.fullmatch(value) is not None


def new_reference(year: int) -> str:
    """A fresh random reference for an application made in ``year`` (40 bits of randomness)."""
    if not 1000 <= year <= 9999:
        raise ValueError("year must have four digits")
    return f"ZID-{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def hardened_parser() -> etree.XMLParser:
    """The one parser configuration for documents from outside (R-SEC-INPUT): no entities resolved, no DTD
    loaded, no network, no huge trees. A new parser per call: lxml parsers are not shared across threads."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_pis=False, remove_comments=False, collect_ids=False,
    )


_loaded = threading.local()


def schema() -> etree.XMLSchema:
    """The loaded schema, made once per thread: a validator keeps the error log of its last run, so threads of
    one worker (gunicorn gthread) must not share it."""
    checker = getattr(_loaded, "schema", None)
    if checker is None:
        checker = _loaded.schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH), hardened_parser()))
    return checker


def validate(root: etree._Element) -> None:
    """Raise SchemaInvalid, naming the first offending line and element, unless ``root`` conforms."""
    checker = schema()
    if checker.validate(root):
        return
    error = checker.error_log.filter_from_errors()[0] if checker.error_log else None
    message = error.message.replace(f"{{{NAMESPACE}}}", "") if error is not None else "not valid"
    raise SchemaInvalid(f"regel {error.line if error is not None else '?'}: {message}"[:300])
