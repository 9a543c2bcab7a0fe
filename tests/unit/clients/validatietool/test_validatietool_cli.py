"""zorgid-validatietool fill, sign and verify through its command line, with exit codes (docs/validatietool.md)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from tests.unit.orgdoc.factory import OTHER_URA, REFERENCE, document

from zorgid.clients.validatietool import cli
from zorgid.orgdoc import build, read_draft

from .conftest import PASSWORD


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "organisatie.xml"
    path.write_bytes(build(document(tb_phone="")))
    return path


@pytest.fixture
def complete(tmp_path):
    path = tmp_path / "organisatie-ingevuld.xml"
    path.write_bytes(build(document()))
    return path


def signed_with_pem(run, files, source, tmp_path):
    out = tmp_path / "ondertekend.xml"
    result = run("sign", source, "--cert", files.cert, "--key", files.key, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


def test_help_is_dutch_and_every_option_is_explained():
    import typer.main

    group = typer.main.get_command(cli.app)
    for name, command in group.commands.items():
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None) or param.name == "file", (name, param.name)
            if param.name == "help":
                assert param.help == "Toon deze hulp en stop."


def test_fill_completes_the_draft_beside_it(run, draft):
    result = run("fill", draft, "--telefoon", "06 1234 5678")
    assert result.exit_code == 0, result.stderr
    out = draft.with_name("organisatie-ingevuld.xml")
    assert read_draft(out.read_bytes()).tb_phone == "0612345678"
    assert "volledig" in result.stdout


def test_fill_saves_an_incomplete_document_but_says_what_is_missing(run, draft, tmp_path):
    out = tmp_path / "half.xml"
    result = run("fill", draft, "--naam", "Piet Anders", "-o", out)
    assert result.exit_code == 1
    assert "Fout ZID-XML-INCOMPLETE" in result.stderr and "--telefoon" in result.stderr
    assert read_draft(out.read_bytes()).tb_name == "Piet Anders"


@pytest.mark.parametrize(("args", "code"), [
    (("--ura", OTHER_URA), "ZID-XML-FIELD-FIXED"),
    (("--postcode", "12"), "ZID-XML-FIELD-INVALID"),
])
def test_fill_refuses(run, draft, args, code):
    result = run("fill", draft, *args)
    assert result.exit_code == 1 and f"Fout {code}" in result.stderr


def test_fill_writes_to_standard_output(run, draft):
    result = run("fill", draft, "--telefoon", "0612345678", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("<?xml") and "Opgeslagen" in result.stderr


def test_a_missing_file_has_its_own_code(run, tmp_path):
    result = run("fill", tmp_path / "bestaat-niet.xml")
    assert result.exit_code == 1 and "Fout ZID-VALIDATIETOOL-FILE" in result.stderr


def test_sign_with_pem_files_then_verify(run, files, complete, tmp_path):
    result = run("sign", complete, "--cert", files.cert, "--key", files.key)
    assert result.exit_code == 0, result.stderr
    signed = complete.with_name("organisatie-ondertekend.xml")
    assert "CN=portaal.zorg.example" in result.stdout
    checked = run("verify", signed, "--environment", "acceptatie", "--trust-dir", files.trust_dir)
    assert checked.exit_code == 0, checked.stderr
    assert f"referentie {REFERENCE}" in checked.stdout and "URA 90000382" in checked.stdout


def test_sign_with_pkcs12_and_its_chain(run, files, complete, tmp_path):
    out = tmp_path / "p12.xml"
    result = run("sign", complete, "--pkcs12", files.pkcs12, "--password", PASSWORD, "--include-chain",
                 "--algorithm", "rsa-sha512", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().count(b"<ds:X509Certificate>") == 3
    assert run("verify", out, "--environment", "acceptatie", "--trust-dir", files.trust_dir).exit_code == 0


@pytest.mark.parametrize("password", [None, "fout"])
def test_sign_with_a_wrong_or_missing_pkcs12_password(run, files, complete, password):
    extra = ("--password", password) if password else ()
    result = run("sign", complete, "--pkcs12", files.pkcs12, *extra)
    assert result.exit_code == 1 and "Fout ZID-XML-KEY-UNREADABLE" in result.stderr


@pytest.mark.parametrize("args", [
    (),
    ("--pkcs12", "x.p12", "--token-label", "srv"),
    ("--key", "key.pem"),
    ("--token-label", "srv"),
    ("--cert", "c.pem", "--key", "k.pem", "--algorithm", "rsa-md5"),
])
def test_sign_usage_errors_exit_2(run, complete, args):
    result = run("sign", complete, *args)
    assert result.exit_code == 2, result.output


def test_sign_refuses_an_incomplete_document(run, files, draft):
    result = run("sign", draft, "--cert", files.cert, "--key", files.key)
    assert result.exit_code == 1 and "Fout ZID-XML-INCOMPLETE" in result.stderr


def test_sign_refuses_a_document_of_another_ura(run, files, tmp_path):
    other = tmp_path / "ander.xml"
    other.write_bytes(build(document(ura=OTHER_URA)))
    result = run("sign", other, "--cert", files.cert, "--key", files.key)
    assert result.exit_code == 1 and "Fout ZID-XML-URA-MISMATCH" in result.stderr


def test_verify_refuses_a_changed_document_with_its_code(run, files, complete, tmp_path):
    signed = signed_with_pem(run, files, complete, tmp_path)
    signed.write_bytes(signed.read_bytes().replace(b"Lindelaan", b"Eikenlaan"))
    result = run("verify", signed, "--environment", "acceptatie", "--trust-dir", files.trust_dir)
    assert result.exit_code == 1
    assert "Fout ZID-XML-SIGNATURE-INVALID" in result.stderr and "Oplossing:" in result.stderr


def test_verify_by_default_uses_the_productie_trust_store(run, files, complete, tmp_path):
    signed = signed_with_pem(run, files, complete, tmp_path)
    result = run("verify", signed)
    assert result.exit_code == 1 and "Fout ZID-UZI-UNTRUSTED" in result.stderr


def test_verify_checks_revocation_with_a_given_crl(run, files, complete, tmp_path):
    signed = signed_with_pem(run, files, complete, tmp_path)
    crl = tmp_path / "server-ca.crl"
    crl.write_bytes(files.ca.issue_crl([files.server.certificate], issuer="server")
                    .public_bytes(serialization.Encoding.PEM))
    result = run("verify", signed, "--environment", "acceptatie", "--trust-dir", files.trust_dir, "--crl", crl)
    assert result.exit_code == 1 and "Fout ZID-UZI-REVOKED" in result.stderr


def test_verify_of_an_unsigned_document(run, files, complete):
    result = run("verify", complete, "--environment", "acceptatie", "--trust-dir", files.trust_dir)
    assert result.exit_code == 1 and "Fout ZID-XML-SIGNATURE-MISSING" in result.stderr


def test_in_a_terminal_fill_asks_again_after_a_wrong_answer(draft):
    from typer.testing import CliRunner

    with CliRunner().isolation(input="12\n06 1234 5678\n") as (out, err, *_):
        filled = cli._ask_missing(draft.read_bytes())
        said = err.getvalue()
    assert read_draft(filled).tb_phone == "0612345678"
    assert b"ZID-XML-FIELD-INVALID" in said
