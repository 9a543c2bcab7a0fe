"""The organisation document as a value: build it, complete it, read it back (R-FLOW-APPLY step 2).

The server builds the document from the application form (``build``) and mails it to the technisch
beheerder, who completes what the form did not have (``fill``) and signs it. Completing never changes the
two fields that tie the document to its application, the reference and the URA (``FieldFixed``): the
URA must be the one in the UZI server certificate, so a wrong one means a new application.

A draft may have empty fields (still to fill in); a value, once given, must have the form the schema
requires, so ``OrganisationDocument`` normalises and checks every non-empty field when it is made
(``FieldInvalid``). ``parse_signed`` reads only what the signature covered (see verification.py).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from lxml import etree

from zorgid.pki.uzi.numbers import Ura

from .errors import AlreadySigned, DocumentIncomplete, FieldFixed, FieldInvalid, SchemaInvalid
from .parsing import MAX_DOCUMENT_BYTES, parse_untrusted
from .schema import NAMESPACE, REFERENCE_RE, ROOT_TAG, SIGNATURE_TAG, VERSION, is_reference, validate

_NAME = re.compile(r"\S(.*\S)?")
_PATTERNS: dict[str, re.Pattern[str]] = {
    "reference": REFERENCE_RE,
    "ura": Ura.PATTERN,
    "kvk": re.compile(r"[0-9]{8}"),
    "house_number": re.compile(r"[1-9][0-9]{0,4}([ -]?[A-Za-z0-9]{1,6})?"),
    "postcode": re.compile(r"[1-9][0-9]{3} [A-Z]{2}"),
    "tb_email": re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
    "tb_phone": re.compile(r"0[0-9]{9}|\+[1-9][0-9]{7,14}"),
}
_MAX_LENGTH = {"tb_email": 254}
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class Field:
    """One field: its attribute, its element path below the root, its Dutch label, and the fill option."""

    attribute: str
    path: str
    label: str
    option: str


FIELDS: tuple[Field, ...] = (
    Field("reference", "Referentie", "Referentie", "--referentie"),
    Field("name", "Organisatiegegevens/Naam", "Naam organisatie", "--organisatie"),
    Field("ura", "Organisatiegegevens/URA", "URA-nummer", "--ura"),
    Field("kvk", "Organisatiegegevens/KvK", "KvK-nummer", "--kvk"),
    Field("street", "Organisatiegegevens/Adres/Straat", "Straat", "--straat"),
    Field("house_number", "Organisatiegegevens/Adres/Huisnummer", "Huisnummer", "--huisnummer"),
    Field("postcode", "Organisatiegegevens/Adres/Postcode", "Postcode", "--postcode"),
    Field("city", "Organisatiegegevens/Adres/Plaats", "Plaats", "--plaats"),
    Field("tb_name", "TechnischBeheerder/Naam", "Naam technisch beheerder", "--naam"),
    Field("tb_email", "TechnischBeheerder/EMail", "E-mailadres technisch beheerder", "--email"),
    Field("tb_phone", "TechnischBeheerder/Telefoon", "Telefoonnummer technisch beheerder", "--telefoon"),
)
FIELD_NAMES = tuple(field.attribute for field in FIELDS)
FIXED_FIELDS = ("reference", "ura")


@dataclass(frozen=True)
class OrganisationDocument:
    """What the document says. An empty string is a field still to be filled in."""

    reference: str = ""
    name: str = ""
    ura: str = ""
    kvk: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    tb_name: str = ""
    tb_email: str = ""
    tb_phone: str = ""

    def __post_init__(self) -> None:
        for field in FIELDS:
            value = normalise(field.attribute, getattr(self, field.attribute))
            check_field(field, value)
            object.__setattr__(self, field.attribute, value)

    def missing(self) -> list[Field]:
        """The fields still empty."""
        return [field for field in FIELDS if not getattr(self, field.attribute)]


def normalise(attribute: str, value: object) -> str:
    """The written form of a value: no edge spaces; numbers without separators; postcode as ``1234 AB``."""
    if not isinstance(value, str):
        raise FieldInvalid(f"{attribute}: not text")
    value = value.strip()
    if attribute in ("ura", "kvk"):
        return re.sub(r"[\s.]", "", value)
    if attribute == "reference":
        return value.upper()
    if attribute == "postcode":
        compact = re.sub(r"\s", "", value).upper()
        return f"{compact[:4]} {compact[4:]}" if re.fullmatch(r"[0-9]{4}[A-Z]{2}", compact) else value
    if attribute == "tb_phone":
        return re.sub(r"[\s().-]", "", value)
    return value


def check_field(field: Field, value: str) -> None:
    """An empty value is allowed (to fill in); a given one must have the schema's form."""
    if not value:
        return
    pattern = _PATTERNS.get(field.attribute, _NAME)
    limit = _MAX_LENGTH.get(field.attribute, NAME_MAX_LENGTH)
    if len(value) > limit or not pattern.fullmatch(value):
        raise FieldInvalid(f"{field.label} ({field.option}): {value[:60]!r}")


def build(doc: OrganisationDocument) -> bytes:
    """The document as UTF-8 XML, indented, unsigned; empty elements for fields still to fill in."""
    root = etree.Element(ROOT_TAG, nsmap={None: NAMESPACE}, versie=VERSION)
    for field in FIELDS:
        parent = root
        for step in field.path.split("/"):
            tag = f"{{{NAMESPACE}}}{step}"
            found = parent.find(tag)
            parent = found if found is not None else etree.SubElement(parent, tag)
        parent.text = getattr(doc, field.attribute)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read_draft(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> OrganisationDocument:
    """An unsigned document, complete or not; refuses a signed one and any element the schema does not know."""
    root = parse_untrusted(data, max_bytes)
    if root.tag != ROOT_TAG or root.get("versie") != VERSION:
        raise SchemaInvalid(f"root element is not <Organisatie versie=\"{VERSION}\"> in namespace {NAMESPACE}")
    if next(root.iter(SIGNATURE_TAG), None) is not None:
        raise AlreadySigned()
    return _read_fields(root, strict=False)


def fill(data: bytes, **fields: str | None) -> bytes:
    """Complete a draft with ``fields`` (attribute names of OrganisationDocument; None leaves a field as it is).

    Refuses to change a reference or URA that is already there (FieldFixed)."""
    unknown = set(fields) - set(FIELD_NAMES)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    current = read_draft(data)
    given = {name: normalise(name, value) for name, value in fields.items() if value is not None}
    for field in FIELDS:
        old = getattr(current, field.attribute)
        if field.attribute in FIXED_FIELDS and old and given.get(field.attribute, old) != old:
            raise FieldFixed(f"{field.label} is {old}; gevraagd: {given[field.attribute][:20]}")
    return build(dataclasses.replace(current, **given))


def require_complete(doc: OrganisationDocument) -> OrganisationDocument:
    """The document itself, or DocumentIncomplete naming what is missing (before signing)."""
    missing = doc.missing()
    if missing:
        raise DocumentIncomplete(", ".join(f"{field.label} ({field.option})" for field in missing))
    return doc


def parse_signed(signed: etree._Element) -> OrganisationDocument:
    """The document the signature covered: schema-valid as it stands, every field present and non-empty."""
    if signed is None or signed.tag != ROOT_TAG:
        raise SchemaInvalid("the signed content is not an <Organisatie> document")
    validate(signed)
    return _read_fields(signed, strict=True)


def _read_fields(root: etree._Element, *, strict: bool) -> OrganisationDocument:
    """Each field's text; an element the schema does not know, or one that occurs twice, is refused."""
    _check_known_elements(root)
    values: dict[str, str] = {}
    for field in FIELDS:
        path = "/".join(f"o:{step}" for step in field.path.split("/"))
        found = root.xpath(path, namespaces={"o": NAMESPACE})
        if len(found) > 1:
            raise SchemaInvalid(f"<{field.path}> occurs {len(found)} times")
        if strict and not found:
            raise SchemaInvalid(f"<{field.path}> is missing")
        values[field.attribute] = "".join(found[0].xpath("text()")) if found else ""
    doc = OrganisationDocument(**values)
    if strict and not is_reference(doc.reference):
        raise SchemaInvalid("Referentie is not a reference")
    return doc


_KNOWN_PATHS = frozenset(
    "/".join(field.path.split("/")[:depth]) for field in FIELDS for depth in range(1, field.path.count("/") + 2)
)


def _check_known_elements(root: etree._Element) -> None:
    for element in root.iterdescendants(tag=etree.Element):
        steps = []
        node = element
        while node is not root:
            if etree.QName(node).namespace != NAMESPACE:
                raise SchemaInvalid(f"element <{etree.QName(node).localname}> is not part of the document")
            steps.append(etree.QName(node).localname)
            node = node.getparent()
        path = "/".join(reversed(steps))
        if path not in _KNOWN_PATHS:
            raise SchemaInvalid(f"element <{path}> is not part of the document"[:200])
