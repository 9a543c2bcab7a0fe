"""The audit log's keys are a secret of their own (audit/keys.py, docs/security.md): made once from the SECRET_KEY of
the first start, so the rows made before verify, and changing Django's SECRET_KEY afterwards changes nothing."""

from __future__ import annotations

import stat

import pytest

from zorgid.audit import chain, keys
from zorgid.audit.services import record, verify
from zorgid.config import ConfigurationError

pytestmark = pytest.mark.django_db(transaction=True)  # the anchor is written after the commit


def test_the_file_is_made_once_owner_only_from_the_secret_key_of_that_moment(settings, tmp_path):
    settings.ZORGID_AUDIT_KEY = tmp_path / "audit-key"
    assert keys.ensure()
    assert stat.S_IMODE(settings.ZORGID_AUDIT_KEY.stat().st_mode) == 0o600
    assert keys.key(b"chain") == chain.derive(settings.SECRET_KEY, b"chain")  # the rows made before fit
    assert keys.key(b"anchor") == chain.derive(settings.SECRET_KEY, b"anchor")
    made = settings.ZORGID_AUDIT_KEY.read_bytes()
    settings.SECRET_KEY = "a new secret key for Django, at least 50 characters long"
    assert not keys.ensure()
    assert settings.ZORGID_AUDIT_KEY.read_bytes() == made


def test_changing_django_s_secret_key_leaves_the_chain_and_its_anchor_verifiable(settings, tmp_path):
    settings.ZORGID_AUDIT_KEY = tmp_path / "audit-key"
    for number in range(3):
        record("test.event", actor="test", details={"n": number})
    settings.SECRET_KEY = "a new secret key for Django, at least 50 characters long"
    record("test.event", actor="test", details={"n": 3})
    result = verify()
    assert result.ok, result.problems
    assert result.count == 4


def test_rows_made_before_the_file_verify_with_the_file_made_after_them(settings, tmp_path):
    """An upgraded installation: rows keyed with SECRET_KEY's keys, then the file made at the first start."""
    legacy = tmp_path / "legacy-audit-key"
    legacy.write_text(keys.text_from(settings.SECRET_KEY))
    settings.ZORGID_AUDIT_KEY = legacy
    record("test.event", actor="test")
    settings.ZORGID_AUDIT_KEY = tmp_path / "audit-key"  # none yet: made from SECRET_KEY at the first use
    record("test.event", actor="test")
    assert verify().ok


@pytest.mark.parametrize("text", ["", "chain AAAA\nanchor AAAA\n", "chain " + "A" * 44 + "\n", "nonsense\n"])
def test_a_damaged_file_is_a_configuration_error_not_another_key(settings, tmp_path, text):
    settings.ZORGID_AUDIT_KEY = tmp_path / "audit-key"
    settings.ZORGID_AUDIT_KEY.write_text(text)
    with pytest.raises(ConfigurationError, match="audit key file"):
        keys.key(b"chain")
