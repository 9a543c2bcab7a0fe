"""zorgid-validatietool speaks one language: every line it prints is Dutch, or English with --lang en or an English
environment (zorgid.clients.terminal)."""

from __future__ import annotations

from tests.unit.clients.languages import assert_all_in
from tests.unit.orgdoc.factory import document

from zorgid.orgdoc import build


def test_a_missing_file_in_dutch_and_in_english(run, tmp_path):
    missing = tmp_path / "bestaat-niet.xml"
    dutch = run("verify", missing)
    assert dutch.exit_code == 1
    assert assert_all_in("nl", dutch.stderr)[-1] == f"Details: kan {missing} niet lezen: bestaat niet"
    english = run("--lang", "en", "verify", missing)
    assert english.exit_code == 1
    lines = assert_all_in("en", english.stderr)
    assert lines[0].startswith("Error ZID-VALIDATIETOOL-FILE: A file cannot be read or written")
    assert lines[-1] == f"Details: cannot read {missing}: does not exist"


def test_what_it_did_in_dutch_and_in_english(run, tmp_path, monkeypatch):
    source = tmp_path / "organisatie.xml"
    source.write_bytes(build(document()))
    dutch = run("fill", source)
    assert dutch.exit_code == 0, dutch.stderr
    assert assert_all_in("nl", dutch.stdout)[-1] == ("Het document is volledig. Onderteken het nu met: "
                                                     "zorgid-validatietool sign")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    english = run("fill", source)
    assert assert_all_in("en", english.stdout) == [f"Saved: {tmp_path / 'organisatie-ingevuld.xml'}",
                                                   "The document is complete. Now sign it with: zorgid-validatietool "
                                                   "sign"]
