"""The unlock answer's ``data_corrected`` (docs/architecture.md, "Versions"): added within APP_VERSION 3, so an
app that knows it reads an answer without it, and the answer of a server that sends it reads in an app that does
not know it (unknown fields are ignored)."""

import dataclasses
import datetime as dt

import pytest

from zorgid.protocol.bodies import Body, DataCorrected, Holder, KeyShareUnlockResponse, text
from zorgid.protocol.errors import MessageMalformed

WITHOUT = {"key_share": "A" * 43, "unlock_token": "t" * 32, "wrong_tries_since_last_use": 0, "last_use_at": None,
           "new_activation_codes": []}
CORRECTED = DataCorrected(corrected_at=dt.datetime(2026, 12, 2, 5, 0, tzinfo=dt.UTC), by_servicedesk=False,
                          by="Huisartsenpraktijk De Linde",
                          holder=Holder(first_names="Jan Willem", last_name="de Vries", birth_date="02-02-1980"))


def test_an_answer_of_a_server_before_it_reads_as_not_corrected():
    assert KeyShareUnlockResponse.from_json(WITHOUT).data_corrected is None


def test_a_correction_travels_and_reads_back():
    answer = dataclasses.replace(KeyShareUnlockResponse.from_json(WITHOUT), data_corrected=CORRECTED).to_json()
    assert answer["data_corrected"]["holder"] == {"first_names": "Jan Willem", "last_name": "de Vries",
                                                  "birth_date": "02-02-1980"}
    assert KeyShareUnlockResponse.from_json(answer).data_corrected == CORRECTED
    assert KeyShareUnlockResponse.from_json({**WITHOUT, "data_corrected": None}).data_corrected is None


def test_an_app_before_it_ignores_the_field():
    @dataclasses.dataclass(frozen=True)
    class OlderAnswer(Body):  # the answer as an app before the field reads it (a part of it, as Body reads)
        unlock_token: str = text(64)

    read = OlderAnswer.from_json({**WITHOUT, "data_corrected": CORRECTED.to_json()})
    assert read.unlock_token == "t" * 32


def test_a_malformed_correction_is_refused():
    with pytest.raises(MessageMalformed):
        KeyShareUnlockResponse.from_json({**WITHOUT, "data_corrected": {"by": "x"}})
