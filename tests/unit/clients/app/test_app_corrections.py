"""The app's handling of a correction of its holder's data (clients/app/corrections.py): checked before anything is
kept or told, kept in the ID, told in Dutch without any character that could move the cursor or reorder text."""

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from tests.unit.clients.app.conftest import PIN, make_identity

from zorgid.clients.app import corrections, keycrypt
from zorgid.clients.app.answers import UnlockAnswer
from zorgid.clients.app.errors import ServerAnswerInvalid
from zorgid.clients.app.keystore import Keystore, Unlocked
from zorgid.protocol.bodies import DataCorrected, Holder

AT = dt.datetime(2026, 12, 2, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def installed(tmp_path):
    store = Keystore(tmp_path / "home")
    store.setup(PIN)
    key = ec.generate_private_key(ec.SECP256R1())
    identity = make_identity(key)
    store.install_id(identity, key, keycrypt.PinSecret.fresh(PIN), b"s" * 32, ec.generate_private_key(ec.SECP256R1()))
    return store, identity, key


def unlocked(identity, key, corrected: DataCorrected | None) -> Unlocked:
    return Unlocked(identity, key, "token", UnlockAnswer(b"s" * 32, "token", 0, None, (), corrected))


def corrected(first_names: str = "Jan Willem", by: str = "Huisartsenpraktijk De Linde",
              servicedesk: bool = False) -> DataCorrected:
    return DataCorrected(corrected_at=AT, by_servicedesk=servicedesk, by=by,
                         holder=Holder(first_names=first_names, last_name="de Vries", birth_date="02-02-1980"))


def test_no_correction_keeps_and_tells_nothing(installed):
    store, identity, key = installed
    told = []
    assert corrections.take(store, unlocked(identity, key, None), told.append) == identity
    assert told == [] and store.load_id() == identity


def test_a_correction_is_kept_and_told_once_in_dutch(installed):
    store, identity, key = installed
    told = []
    now = corrections.take(store, unlocked(identity, key, corrected()), told.append)
    assert now.holder.full_name == "Jan Willem de Vries" and store.load_id().holder == now.holder
    local = AT.astimezone()
    assert told == [f"Uw gegevens zijn gecorrigeerd door Huisartsenpraktijk De Linde op {local:%d-%m-%Y} om "
                    f"{local:%H:%M}: naam Jan Willem de Vries, geboortedatum 02-02-1980. Klopt dit niet? Neem "
                    "contact op met uw beheerder of de servicedesk."]


def test_the_service_desk_is_named_as_such_and_a_name_is_shown_without_invisible_characters(installed):
    store, identity, key = installed
    told = []
    corrections.take(store, unlocked(identity, key, corrected(servicedesk=True, by="servicedesk")), told.append)
    assert "door de servicedesk van ZORG-ID op" in told[0]
    corrections.take(store, unlocked(identity, key, corrected(by="De\u202e Linde\u200b")), told.append)
    assert "door De Linde op" in told[1]


@pytest.mark.parametrize("first_names", ["Jan\x1b[2J", "   "])
def test_a_bad_name_from_the_server_is_refused_before_anything_is_kept_or_told(installed, first_names):
    store, identity, key = installed
    before = json.loads(store.id_path.read_text())
    told = []
    with pytest.raises(ServerAnswerInvalid):
        corrections.take(store, unlocked(identity, key, corrected(first_names)), told.append)
    assert told == [] and json.loads(store.id_path.read_text()) == before
