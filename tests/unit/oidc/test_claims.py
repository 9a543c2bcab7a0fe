"""The claims' own rules (oidc.claims): the pairwise subject, the initials."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from zorgid.care_apps.models import CareApplication
from zorgid.oidc.claims import initials, subject


@pytest.mark.parametrize("first_names, expected", [
    ("Jan Willem", "J.W."), ("Anne-Marie", "A.M."), ("  jan   willem ", "J.W."), ("Özlem", "Ö."), ("", ""),
])
def test_initials(first_names, expected):
    assert initials(first_names) == expected


def test_the_subject_is_an_hmac_of_the_person_under_the_applications_salt():
    one, other = CareApplication(subject_salt="a" * 64), CareApplication(subject_salt="b" * 64)
    expected = hmac.new(("a" * 64).encode(), b"person-1", hashlib.sha256).hexdigest()
    assert subject(one, "person-1") == expected and len(expected) == 64
    assert subject(other, "person-1") != expected
    assert subject(one, "person-2") != expected
