"""Making a ZORG-ID Smartcard in ``zorgid-desktop open``, after the UZI-pas answered (docs/uzi.md "ZORG-ID
Smartcard"; the steps: src/zorgid/flows/card_flow.mermaid).

Once the server reports the smartcard session "answered", the holder swaps his UZI-pas for the blank card; the
Desktop App asks the blank card's transport PIN and transport SO PIN and the new PIN (twice), personalises the card
with the session's challenge, sends the new keys with their proofs, checks the certificates it gets back (one per
role, each certifying that role's key), writes them to the card and shows the card number and the PUK once.

Nothing half-made stays on the card: every question is asked before the card is touched, :func:`.personalise`
leaves the card blank when it fails, and once the card is personalised any failure (a refusal by the server, a
certificate that cannot be written, Ctrl-C) puts it back to blank (:func:`.personalise.make_blank_again`) before
the error is reported with its own code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zorgid.protocol.bodies import SmartcardKey
from zorgid.protocol.errors import Detail, ZorgidError

from ..terminal import tr
from .answers import CardFlow, IssuedSmartcard, read_smartcard_keys_answer
from .card import card_label, token_labels
from .personalise import (
    Personalised,
    check_new_pin,
    find_blank_cards,
    make_blank_again,
    personalise,
    select_token,
    write_certificates,
)
from .server import DesktopServerClient
from .smartcard_errors import BlankAgainFailed, CardNotBlank, MakingAborted, NewPinMismatch, NoBlankCard, TwoBlankCards


@dataclass(frozen=True)
class MakingQuestions:
    """How the holder is told and asked things while his smartcard is made. ``swap_cards`` waits until the UZI-pas
    is out and the blank card in; the codes come from options, the environment or a hidden prompt. A question the
    holder breaks off (Ctrl-C, end of input) raises :class:`.smartcard_errors.MakingAborted`."""

    say: Callable[[str], None]
    swap_cards: Callable[[], None]
    transport_pin: Callable[[], str]
    transport_so_pin: Callable[[], str]
    new_pin: Callable[[], str]
    new_pin_again: Callable[[], str]


@dataclass(frozen=True)
class MadeSmartcard:
    """The finished card: its token label, card number, end of validity, and the PUK (shown once, never stored)."""

    label: str
    card_number: str
    not_after: str
    puk: str


def find_blank_card(module: str, blank_token_label: str | None) -> str:
    """The label of the one blank card present, or of the blank card named ``blank_token_label``."""
    blank = find_blank_cards(module)
    if blank_token_label is not None:
        if blank_token_label in blank:
            return blank_token_label
        select_token(module, blank_token_label)  # NoCard when no card has this label at all
        raise CardNotBlank(card_label(blank_token_label))
    if not blank:
        raise NoBlankCard()
    if len(blank) > 1:
        raise TwoBlankCards(token_labels(blank))
    return blank[0]


def ask_new_pin(questions: MakingQuestions) -> str:
    """The new PIN, typed twice: 6 to 8 digits, both the same."""
    pin = check_new_pin(questions.new_pin())
    if questions.new_pin_again() != pin:
        raise NewPinMismatch()
    return pin


def make_smartcard(server: DesktopServerClient, flow: CardFlow, *, module: str, blank_token_label: str | None,
                   questions: MakingQuestions, answer_digest: bytes) -> MadeSmartcard:
    """Make the blank card a ZORG-ID Smartcard for the answered session ``flow`` (the module's description);
    ``answer_digest``: SHA-256 of the signature this Desktop App sent with the UZI-pas's answer, which binds the
    keys to it."""
    questions.swap_cards()
    label = find_blank_card(module, blank_token_label)
    questions.say(tr(f"Blanco kaart gevonden: {label}", f"Blank card found: {label}"))
    transport_pin = questions.transport_pin()
    transport_so_pin = questions.transport_so_pin()
    new_pin = ask_new_pin(questions)
    questions.say(tr("De sleutels worden op de kaart gemaakt; dit kan even duren.",
                     "The keys are being made on the card; this may take a while."))
    try:  # a failure or Ctrl-C inside leaves the card blank (personalise)
        made = personalise(module, transport_pin=transport_pin, transport_so_pin=transport_so_pin, new_pin=new_pin,
                           challenge=flow.challenge, token_label=label)
    except KeyboardInterrupt:
        raise MakingAborted(card_label(label)) from None
    try:
        questions.say(tr("De sleutels staan op de kaart; de server maakt de certificaten.",
                         "The keys are on the card; the server makes the certificates."))
        issued = _certify(server, flow, made, answer_digest)
        questions.say(tr("De certificaten worden op de kaart geschreven.", "The certificates are written to the card."))
        write_certificates(module, pin=new_pin, certificates=issued.certificates, token_label=label)
    except BaseException as failure:  # a refusal, a card error, Ctrl-C or anything unforeseen: nothing half-made
        cause = getattr(failure, "remote_code", None) or getattr(failure, "code", type(failure).__name__)
        _blank_again(module, label, new_pin, made.puk, transport_pin, transport_so_pin, questions, str(cause))
        if isinstance(failure, (KeyboardInterrupt, EOFError)):
            raise MakingAborted(card_label(label)) from None
        raise
    return MadeSmartcard(made.label, issued.card_number, issued.not_after, made.puk)


def _certify(server: DesktopServerClient, flow: CardFlow, made: Personalised, answer_digest: bytes) -> IssuedSmartcard:
    keys = tuple(SmartcardKey(role=key.role, public_key=key.public_key, proof=key.proof) for key in made.keys)
    answer = server.send_smartcard_keys(flow.flow_id, keys, answer_digest)
    return read_smartcard_keys_answer(answer, {key.role: key.public_key for key in made.keys})


def _blank_again(module: str, label: str, new_pin: str, puk: str, transport_pin: str, transport_so_pin: str,
                 questions: MakingQuestions, cause: str) -> None:
    try:
        make_blank_again(module, token_label=label, new_pin=new_pin, puk=puk, transport_pin=transport_pin,
                         transport_so_pin=transport_so_pin)
    except ZorgidError as exc:
        raise BlankAgainFailed(Detail(f"{label}: na {cause}: {exc.code}",
                                      f"{label}: after {cause}: {exc.code}")) from exc
    questions.say(tr(f"De kaart {label} is weer blanco: de sleutels zijn verwijderd en de transportcodes hersteld.",
                     f"Card {label} is blank again: the keys were removed and the transport codes restored."))
