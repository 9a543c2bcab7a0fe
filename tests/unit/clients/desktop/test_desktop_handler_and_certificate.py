"""Registering the zorgid-desktop:// scheme, and recognising a UZI authentication certificate (on the real
UZI register test card in tests/vectors/uzi)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from zorgid.clients.desktop.certificate import card_identity, ia5_string, is_authentication_certificate
from zorgid.clients.desktop.handler import MIME_TYPE, desktop_entry, exec_quote

VECTORS = Path(__file__).resolve().parents[3] / "vectors" / "uzi"


def vector(name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((VECTORS / name).read_bytes())


def test_the_real_authentication_certificate_is_recognised():
    auth = vector("jan-authenticiteit.cer")
    assert is_authentication_certificate(auth)
    identity = card_identity(auth)
    assert (identity.uzi_number, identity.card_type, identity.ura, identity.role, identity.name) == (
        "900016528", "Z", "90000382", "01.000", "Jan test-90014548")
    assert not is_authentication_certificate(vector("jan-handtekening.cer"))
    assert not is_authentication_certificate(vector("jan-vertrouwelijkheid.cer"))


@pytest.mark.parametrize(("raw", "text"), [
    (b"\x16\x03abc", "abc"), (b"\x16\x81\x80" + b"a" * 128, "a" * 128), (b"\x0c\x03abc", None),
    (b"\x16\x04abc", None), (b"\x16\x02\xff\xfe", None), (b"\x16", None),
])
def test_ia5_string(raw, text):
    assert ia5_string(raw) == text


@pytest.mark.parametrize(("argument", "quoted"), [
    ("/usr/bin/zorgid-desktop", "/usr/bin/zorgid-desktop"), ("/home/a b/x", '"/home/a b/x"'),
    ('a"b$c', '"a\\"b\\$c"'), ("50%", "50%%"),
])
def test_exec_arguments_are_quoted_as_the_desktop_entry_spec_says(argument, quoted):
    assert exec_quote(argument) == quoted


def test_desktop_entry():
    entry = desktop_entry(["/opt/zorgid/bin/zorgid-desktop"], "/usr/lib/softhsm/libsofthsm2.so", "/tmp/t/softhsm2.conf")
    assert "Exec=env SOFTHSM2_CONF=/tmp/t/softhsm2.conf /opt/zorgid/bin/zorgid-desktop open --module " \
           "/usr/lib/softhsm/libsofthsm2.so %u\n" in entry
    assert f"MimeType={MIME_TYPE};\n" in entry and "NoDisplay=true\n" in entry and "Terminal=true\n" in entry


def install(tmp_path, path_dirs):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path), "PATH": path_dirs}
    env.pop("SOFTHSM2_CONF", None)
    return subprocess.run([sys.executable, "-m", "zorgid.clients.desktop.cli", "install-handler"], env=env,
                          capture_output=True, text=True, timeout=60)


def test_install_handler_writes_the_desktop_file_and_calls_xdg_mime(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    xdg_mime = bin_dir / "xdg-mime"
    xdg_mime.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'xdg-mime.args'}\n")
    xdg_mime.chmod(xdg_mime.stat().st_mode | stat.S_IXUSR)
    result = install(tmp_path, f"{bin_dir}:/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    written = tmp_path / "data" / "applications" / "zorgid-desktop.desktop"
    assert f"Geschreven: {written}" in result.stdout
    assert " open --module /usr/lib/softhsm/libsofthsm2.so %u" in written.read_text()
    assert (tmp_path / "xdg-mime.args").read_text().split() == ["default", "zorgid-desktop.desktop", MIME_TYPE]


def test_install_handler_without_xdg_mime_says_so(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = install(tmp_path, str(empty))
    assert result.returncode == 0, result.stderr
    assert "xdg-mime is niet gevonden" in result.stdout
    assert (tmp_path / "data" / "applications" / "zorgid-desktop.desktop").exists()
