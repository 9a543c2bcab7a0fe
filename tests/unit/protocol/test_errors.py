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


def test_a_detail_in_both_languages_is_read_in_each_and_its_english_is_the_answers():
    from zorgid.protocol.errors import Detail

    error = PayloadMalformed(Detail("de link is te lang", "the link is too long"))
    assert error.detail == "the link is too long" and error.as_dict()["error"]["detail"] == "the link is too long"
    assert error.detail_in("nl") == "de link is te lang" and error.detail_in("en") == "the link is too long"
    assert PayloadMalformed("x.png").detail_in("nl") == "x.png"  # plain text is shown as it is


def test_the_servers_detail_is_technical_unless_its_class_knows_its_form():
    from zorgid.protocol.errors import KeyShareWait, PinProofWrong

    refused = ZorgidError.from_dict(PayloadMalformed("payload query is malformed").as_dict())
    assert refused.detail_in("en") == "payload query is malformed" and refused.detail_in("nl") == ""
    wrong = ZorgidError.from_dict(PinProofWrong("2 tries before a wait").as_dict())
    assert wrong.tries_before_wait() == 2
    assert wrong.detail_in("nl") == "Na nog 2 onjuiste pincode(s) moet u wachten voor u het opnieuw kunt proberen."
    assert wrong.detail_in("en") == "The server takes 2 more wrong PIN(s) before you have to wait."
    wait = ZorgidError.from_dict(KeyShareWait("31 s").as_dict())
    assert wait.detail_in("nl") == "U kunt het over 31 seconden opnieuw proberen."
    assert wait.detail_in("en") == "You can try again in 31 seconds."
    assert ZorgidError.from_dict(PinProofWrong("something else").as_dict()).detail_in("nl") == ""
