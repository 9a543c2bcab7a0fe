"""Interoperability with xmlsec1 (Debian ``xmlsec1``, OpenSSL), both ways (docs/validatietool.md).

A technisch beheerder may sign with xmlsec1 instead of the Validatietool, from a template with an empty
Signature, and a document signed by the Validatietool must verify with another implementation. The
default-namespace template with inclusive canonicalisation is the hard case: lxml adds an ``xmlns=""`` that
signxml must drop.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from zorgid.orgdoc import verify_document
from zorgid.protocol.errors import ZorgidError

from .factory import NAME, unsigned

pytestmark = pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 is not installed")

DEFAULT_NAMESPACE_TEMPLATE = (
    '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>'
    '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'
    '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-{hash}"/>'
    '<Reference URI=""><Transforms>'
    '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms>'
    '<DigestMethod Algorithm="{digest}"/><DigestValue/></Reference></SignedInfo>'
    "<SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>"
)
PREFIXED_EXCLUSIVE_TEMPLATE = (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-{hash}"/>'
    '<ds:Reference URI=""><ds:Transforms>'
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
    '<ds:DigestMethod Algorithm="{digest}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>'
    "<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
)
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"


@pytest.fixture(scope="module")
def pem_files(kit, tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("xmlsec1")
    files = {"key": kit.server.key_pem(), "cert": kit.server.certificate_pem(),
             "root": kit.ca.root.certificate.public_bytes(serialization.Encoding.PEM),
             "intermediate": kit.ca.server.certificate.public_bytes(serialization.Encoding.PEM)}
    for name, data in files.items():
        (directory / f"{name}.pem").write_bytes(data)
    return {name: directory / f"{name}.pem" for name in files}


def xmlsec1_sign(template: str, pem_files: dict[str, Path], tmp_path: Path) -> bytes:
    """``xmlsec1 --sign --privkey-pem key.pem,cert.pem --output out.xml template.xml``."""
    source, out = tmp_path / "template.xml", tmp_path / "out.xml"
    source.write_bytes(unsigned().replace(b"</Organisatie>", template.encode() + b"</Organisatie>"))
    done = subprocess.run(["xmlsec1", "--sign", "--privkey-pem", f"{pem_files['key']},{pem_files['cert']}",
                           "--output", str(out), str(source)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


@pytest.mark.parametrize(("template", "hash_name", "digest"), [
    (DEFAULT_NAMESPACE_TEMPLATE, "sha256", SHA256),
    (DEFAULT_NAMESPACE_TEMPLATE, "sha512", SHA512),
    (PREFIXED_EXCLUSIVE_TEMPLATE, "sha256", SHA256),
], ids=["default-namespace-inclusive-c14n", "default-namespace-sha512", "ds-prefix-exclusive-c14n"])
def test_a_document_signed_by_xmlsec1_verifies(kit, pem_files, tmp_path, template, hash_name, digest):
    signed = xmlsec1_sign(template.format(hash=hash_name, digest=digest), pem_files, tmp_path)
    verified = verify_document(signed, kit.store, kit.now)
    assert verified.document.name == NAME and verified.signer.ura == "90000382"


def test_an_xmlsec1_signature_with_sha1_is_refused(kit, pem_files, tmp_path):
    template = DEFAULT_NAMESPACE_TEMPLATE.format(hash="sha256", digest="http://www.w3.org/2000/09/xmldsig#sha1")
    signed = xmlsec1_sign(template, pem_files, tmp_path)
    with pytest.raises(ZorgidError, match="ZID-XML-SHA1"):
        verify_document(signed, kit.store, kit.now)


def test_an_xmlsec1_document_changed_afterwards_is_refused(kit, pem_files, tmp_path):
    signed = xmlsec1_sign(DEFAULT_NAMESPACE_TEMPLATE.format(hash="sha256", digest=SHA256), pem_files, tmp_path)
    with pytest.raises(ZorgidError, match="ZID-XML-SIGNATURE-INVALID"):
        verify_document(signed.replace(b"Lindelaan", b"Eikenlaan"), kit.store, kit.now)


def xmlsec1_verify(data: bytes, pem_files: dict[str, Path], tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "ondertekend.xml"
    path.write_bytes(data)
    return subprocess.run(["xmlsec1", "--verify", "--trusted-pem", str(pem_files["root"]), "--untrusted-pem",
                           str(pem_files["intermediate"]), "--enabled-reference-uris", "empty", str(path)],
                          capture_output=True, text=True, timeout=60)


def test_a_document_signed_by_zorgid_verifies_in_xmlsec1(kit, pem_files, tmp_path):
    done = xmlsec1_verify(kit.signed, pem_files, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stderr


def test_xmlsec1_also_refuses_a_changed_document(kit, pem_files, tmp_path):
    done = xmlsec1_verify(kit.signed.replace(NAME.encode(), b"Nep B.V."), pem_files, tmp_path)
    assert done.returncode != 0
