"""The XSD and the reference pattern (R-FLOW-APPLY step 2): one source for the schema and the server."""

import re

import pytest
from lxml import etree

from zorgid.orgdoc import NAMESPACE, REFERENCE_PATTERN, is_reference, new_reference
from zorgid.orgdoc.errors import SchemaInvalid
from zorgid.orgdoc.schema import SCHEMA_PATH, schema, validate

from .factory import unsigned

XS = "{http://www.w3.org/2001/XMLSchema}"


def test_the_schema_is_loaded_once_and_declares_the_namespace():
    assert schema() is schema()
    xsd = etree.parse(str(SCHEMA_PATH)).getroot()
    assert xsd.get("targetNamespace") == NAMESPACE == "urn:zorgid:organisatie:1"


def test_the_reference_pattern_is_the_schemas():
    xsd = etree.parse(str(SCHEMA_PATH)).getroot()
    pattern = xsd.find(f"{XS}simpleType[@name='ReferentieType']/{XS}restriction/{XS}pattern").get("value")
    assert pattern == REFERENCE_PATTERN


def test_new_references_have_the_pattern_and_differ():
    made = {new_reference(2026) for _ in range(50)}
    assert len(made) == 50 and all(is_reference(r) and r.startswith("ZID-2026-") for r in made)
    assert re.fullmatch(REFERENCE_PATTERN, "ZID-2026-ABCD2345")
    for bad in ("ZID-2026-ABCD234O", "ZID-26-ABCD2345", "zid-2026-ABCD2345", "ZID-2026-ABCD23451", None):
        assert not is_reference(bad)
    with pytest.raises(ValueError):
        new_reference(26)


def test_a_complete_document_is_valid():
    validate(etree.fromstring(unsigned()))


@pytest.mark.parametrize(("old", "new"), [
    (b"<URA>90000382</URA>", b"<URA>9000038</URA>"),
    (b"<Postcode>3511 AB</Postcode>", b"<Postcode>3511AB</Postcode>"),
    (b"<Telefoon>0612345678</Telefoon>", b"<Telefoon></Telefoon>"),
    (b'versie="1"', b'versie="2"'),
    (b"<Plaats>Utrecht</Plaats>", b"<Plaats>Utrecht</Plaats><Land>NL</Land>"),
])
def test_the_schema_refuses(old, new):
    data = unsigned()
    assert old in data
    with pytest.raises(SchemaInvalid, match="regel"):
        validate(etree.fromstring(data.replace(old, new)))
