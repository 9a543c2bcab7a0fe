import pytest

from zorgid.portal.errors_catalogue import catalogue
from zorgid.protocol.errors import PayloadMalformed, RemoteError, ZorgidError, registered_errors


def test_every_error_has_a_code_status_and_texts_in_both_languages():
    errors = catalogue()
    assert len(errors) >= 20
    for cls in errors:
        assert cls.code.startswith("ZID-")
        assert 400 <= cls.status <= 599
        for text in (cls.cause_nl, cls.cause_en, cls.solution_nl, cls.solution_en):
            assert text and text.strip()
        assert cls.cause_nl != cls.cause_en


def test_codes_are_unique_and_validated():
    codes = [cls.code for cls in registered_errors()]
    assert len(codes) == len(set(codes))
    with pytest.raises(ValueError):
        type("Bad", (ZorgidError,), {"code": "bad code"})
    with pytest.raises(ValueError):
        type("Clash", (ZorgidError,), {"code": PayloadMalformed.code})


def test_error_shape_round_trips_for_a_client():
    body = PayloadMalformed("details here").as_dict()
    assert body["error"]["code"] == "ZID-QR-MALFORMED"
    assert set(body["error"]) == {"code", "status", "cause", "solution", "detail"}
    again = ZorgidError.from_dict(body)
    assert isinstance(again, PayloadMalformed) and again.detail == "details here"


def test_unknown_code_from_a_newer_server_keeps_its_texts():
    error = ZorgidError.from_dict({"error": {"code": "ZID-NEW-THING", "cause": {"nl": "oorzaak", "en": "cause"},
                                             "solution": {"nl": "oplossing", "en": "solution"}}})
    assert isinstance(error, RemoteError)
    assert error.remote_code == "ZID-NEW-THING"
    assert error.cause("nl") == "oorzaak" and error.solution("en") == "solution"
    assert type(ZorgidError.from_dict({"nonsense": 1})) is ZorgidError
