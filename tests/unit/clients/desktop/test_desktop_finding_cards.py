"""Finding the UZI-pas on real SoftHSM2 tokens: no card, one, two, the choice by token label, and tokens that
are no UZI-pas."""

import subprocess

from .cards import PIN, desktop, make_card


def test_no_card(tmp_path, card_server):
    conf = make_card(tmp_path / "hsm", tmp_path / "ca")
    subprocess.run(["softhsm2-util", "--delete-token", "--token", "UZI-pas 900016528"], capture_output=True,
                   env={"SOFTHSM2_CONF": str(conf)}, check=True)
    listed = desktop(conf, "cards")
    assert listed.returncode == 1 and listed.stderr.startswith("Fout ZID-DESKTOP-NO-CARD: ")
    opened = desktop(conf, "open", card_server.address(), "--pin", PIN, "--yes")
    assert opened.returncode == 1 and opened.stderr.startswith("Fout ZID-DESKTOP-NO-CARD: ")
    assert card_server.posted == []


def test_a_token_without_uzi_certificate_is_no_card(tmp_path, one_card, card_server):
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path}\n")
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "Ander token", "--pin", PIN, "--so-pin",
                    "12345678"], capture_output=True, env={"SOFTHSM2_CONF": str(conf)}, check=True)
    listed = desktop(conf, "cards")  # an empty token is a blank card, listed as such, not a UZI-pas
    assert listed.returncode == 0 and listed.stdout.startswith("Ander token\tblanco kaart")
    opened = desktop(conf, "open", card_server.address(), "--pin", PIN, "--yes")
    assert opened.returncode == 1 and "ZID-DESKTOP-NO-CARD" in opened.stderr


def test_one_card_is_listed_and_used(one_card, card_server):
    listed = desktop(one_card, "cards")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split("\t")[:3] == ["UZI-pas 900016528", "UZI-nummer 900016528", "Jan de Vries"]
    assert "pastype Z (zorgverlenerpas)" in listed.stdout
    opened = desktop(one_card, "open", card_server.address(), "--pin", PIN, "--yes")
    assert opened.returncode == 0, opened.stderr
    assert "UZI-pas gevonden: Jan de Vries (zorgverlenerpas, UZI-nummer 900016528, label UZI-pas 900016528)" \
        in opened.stdout


def test_two_cards_need_a_token_label(tmp_path, card_server):
    make_card(tmp_path / "hsm", tmp_path / "ca", "900016528")
    conf = make_card(tmp_path / "hsm", tmp_path / "ca", "900000002", card_type="M", name="Baliemedewerker")
    listed = desktop(conf, "cards")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2
    opened = desktop(conf, "open", card_server.address(), "--pin", PIN, "--yes")
    assert opened.returncode == 1 and opened.stderr.startswith("Fout ZID-DESKTOP-TWO-CARDS: ")
    assert "'UZI-pas 900016528'" in opened.stderr and "'UZI-pas 900000002'" in opened.stderr
    chosen = desktop(conf, "open", card_server.address(), "--pin", PIN, "--yes", "--token-label", "UZI-pas 900000002")
    assert chosen.returncode == 0, chosen.stderr
    assert "Baliemedewerker (medewerkerpas niet op naam" in chosen.stdout
    assert "900000002@90000382" not in chosen.stdout  # the card is shown by name, type and number only
    unknown = desktop(conf, "open", card_server.address(), "--pin", PIN, "--yes", "--token-label", "Geen pas")
    assert unknown.returncode == 1 and "ZID-DESKTOP-NO-CARD" in unknown.stderr
    assert len(card_server.posted) == 1


def test_a_module_that_cannot_load_is_reported(one_card):
    result = desktop(one_card, "cards", "--module", "/nonexistent/libpkcs11.so")
    assert result.returncode == 1 and result.stderr.startswith("Fout ZID-DESKTOP-MODULE: ")
    from_env = desktop(one_card, "cards", ZORGID_PKCS11_MODULE="/nonexistent/libpkcs11.so")
    assert "ZID-DESKTOP-MODULE" in from_env.stderr
    bad_conf = desktop(one_card.parent / "missing.conf", "cards")
    assert "ZID-DESKTOP-MODULE" in bad_conf.stderr and "SOFTHSM2_CONF" in bad_conf.stderr
