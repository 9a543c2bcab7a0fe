"""Building, completing and reading back the organisation document (R-FLOW-APPLY step 2)."""

import pytest

from zorgid.orgdoc import OrganisationDocument, build, fill, read_draft, require_complete
from zorgid.orgdoc.errors import (
    AlreadySigned,
    DocumentIncomplete,
    DtdRefused,
    FieldFixed,
    FieldInvalid,
    SchemaInvalid,
)

from .factory import REFERENCE, URA, document, unsigned


def draft() -> bytes:
    """What the application e-mail carries when the form had no phone number for the technisch beheerder."""
    return build(document(tb_phone=""))


def test_build_writes_every_field_and_reads_back():
    doc = document()
    data = build(doc)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b'<Organisatie xmlns="urn:zorgid:organisatie:1" versie="1">' in data
    assert read_draft(data) == doc


def test_a_draft_keeps_empty_fields_and_names_them():
    doc = read_draft(draft())
    assert doc.tb_phone == ""
    assert [field.option for field in doc.missing()] == ["--telefoon"]
    with pytest.raises(DocumentIncomplete, match="Telefoonnummer technisch beheerder"):
        require_complete(doc)


def test_fill_completes_and_normalises():
    filled = fill(draft(), tb_phone="06-1234 5678", postcode="1234ab", name=None)
    doc = require_complete(read_draft(filled))
    assert doc.tb_phone == "0612345678" and doc.postcode == "1234 AB"
    assert doc.name == document().name


def test_fill_sets_an_empty_reference_and_ura_but_never_changes_them():
    empty = build(document(reference="", ura=""))
    doc = read_draft(fill(empty, reference=REFERENCE.lower(), ura="9000 0382"))
    assert (doc.reference, doc.ura) == (REFERENCE, URA)
    with pytest.raises(FieldFixed):
        fill(draft(), ura="90000999")
    with pytest.raises(FieldFixed):
        fill(draft(), reference="ZID-2026-ZZZZ2345")
    assert read_draft(fill(draft(), ura=URA)).ura == URA  # the same value is no change


@pytest.mark.parametrize(("field", "value"), [
    ("ura", "1234567"), ("kvk", "1234567a"), ("postcode", "0123 AB"), ("tb_phone", "12345"),
    ("tb_email", "geen-adres"), ("name", "x" * 201), ("house_number", "0"), ("reference", "ZID-2026-ABC"),
])
def test_fill_refuses_a_value_of_the_wrong_form(field, value):
    empty = build(document(**{field: ""}))
    with pytest.raises(FieldInvalid):
        fill(empty, **{field: value})


def test_fill_refuses_unknown_fields_and_signed_documents(kit):
    with pytest.raises(TypeError):
        fill(draft(), colour="blue")
    with pytest.raises(AlreadySigned):
        fill(kit.signed, tb_phone="0612345678")


@pytest.mark.parametrize("data", [
    b'<Organisatie xmlns="urn:other" versie="1"/>',
    b'<Organisatie xmlns="urn:zorgid:organisatie:1" versie="2"/>',
    unsigned().replace(b"<Plaats>", b"<Land>NL</Land><Plaats>"),
    unsigned().replace(b"<KvK>", b"<KvK>1</KvK><KvK>"),
])
def test_a_draft_with_unknown_or_repeated_elements_is_refused(data):
    with pytest.raises(SchemaInvalid):
        read_draft(data)


def test_a_draft_is_read_as_hardened_as_a_signed_document():
    with pytest.raises(DtdRefused):
        read_draft(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + unsigned().split(b"?>", 1)[1])


def test_the_value_object_checks_when_made():
    assert OrganisationDocument().missing()[0].attribute == "reference"
    with pytest.raises(FieldInvalid):
        OrganisationDocument(ura="abc")
