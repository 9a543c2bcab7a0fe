"""``zorgid pki crl`` (cron): a new CRL of every CA, numbered on, written to a directory if asked."""

import pytest
from cryptography import x509
from typer.testing import CliRunner

from zorgid.cli import app
from zorgid.pki.ca import get_ca
from zorgid.pki.models import RevocationList

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=True)


def test_zorgid_pki_crl_makes_a_new_numbered_crl(tmp_path):
    first = runner.invoke(app, ["pki", "crl"])
    assert first.exit_code == 0, first.output
    assert "mobile-id: CRL 1, volgende uiterlijk" in first.output
    second = runner.invoke(app, ["pki", "crl", "--out", str(tmp_path / "crls")])
    assert second.exit_code == 0 and "mobile-id: CRL 2," in second.output
    crl = x509.load_der_x509_crl((tmp_path / "crls" / "mobile-id.crl").read_bytes())
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2
    assert crl.is_signature_valid(get_ca().issuing.public_key())
    assert bytes(RevocationList.objects.get(ca="mobile-id").der) == (tmp_path / "crls" / "mobile-id.crl").read_bytes()
