"""zorgid-validatietool submit against a stand-in for the server's upload endpoint (the real endpoint and the
end-to-end route are the server's tests)."""

from __future__ import annotations

import socket

import pytest
from tests.unit.orgdoc.factory import REFERENCE, document

from zorgid.clients.validatietool.server import document_path
from zorgid.orgdoc import build, sign

from .conftest import json_answer


@pytest.fixture
def signed(files, tmp_path):
    path = tmp_path / "organisatie-ondertekend.xml"
    path.write_bytes(sign(build(document()), files.server.key, files.server.certificate))
    return path


def test_submit_puts_the_signed_xml_at_the_reference(run, upload, signed):
    upload.answer = json_answer(200, {"reference": REFERENCE, "state": "document_verified"})
    result = run("submit", signed, "--server", upload.origin, "--reference", REFERENCE.lower())
    assert result.exit_code == 0, result.stderr
    assert f"referentie {REFERENCE}, status document_verified" in result.stdout
    (request,) = upload.received
    assert request == {"path": f"/api/v1/applications/{REFERENCE}/document", "type": "application/xml",
                       "body": signed.read_bytes()}


def test_a_refusal_of_the_server_is_shown_with_its_code(run, upload, signed):
    upload.answer = json_answer(403, {"error": {"code": "ZID-XML-URA-MISMATCH", "status": 403, "detail": "x",
                                                "cause": {"nl": "n", "en": "e"}, "solution": {"nl": "s", "en": "s"}}})
    result = run("submit", signed, "--server", upload.origin)
    assert result.exit_code == 1
    assert "Fout ZID-XML-URA-MISMATCH" in result.stderr and "URA-nummer" in result.stderr


@pytest.mark.parametrize("answer", [(200, b"<html>proxy</html>"), (200, b'{"reference": 1}'), (500, b"")])
def test_an_answer_that_is_not_the_agreed_one_is_refused(run, upload, signed, answer):
    upload.answer = answer
    result = run("submit", signed, "--server", upload.origin)
    assert result.exit_code == 1 and "Fout ZID-VALIDATIETOOL-SERVER-ANSWER" in result.stderr


def test_an_unreachable_server(run, signed):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = run("submit", signed, "--server", f"http://127.0.0.1:{port}")
    assert result.exit_code == 1 and "Fout ZID-VALIDATIETOOL-SERVER-UNREACHABLE" in result.stderr


def test_nothing_is_sent_for_another_reference_or_an_unsigned_document(run, upload, signed, tmp_path):
    result = run("submit", signed, "--server", upload.origin, "--reference", "ZID-2026-ZZZZ2345")
    assert result.exit_code == 1 and "Fout ZID-XML-REFERENCE-MISMATCH" in result.stderr
    unsigned = tmp_path / "niet-ondertekend.xml"
    unsigned.write_bytes(build(document()))
    result = run("submit", unsigned, "--server", upload.origin)
    assert result.exit_code == 1 and "Fout ZID-XML-SIGNATURE-MISSING" in result.stderr
    assert upload.received == []


def test_the_path_cannot_be_steered_by_the_reference():
    with pytest.raises(ValueError):
        document_path("../../admin")
