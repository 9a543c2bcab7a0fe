"""A status mail names the application's state in Dutch and in English, never by its code (``followup_sent``)."""

import re

import pytest
from django.test import Client
from django.utils import translation

from tests.integration.applications.helpers import apply, delivered
from zorgid.applications import mail
from zorgid.applications.models import Application, ApplicationState

pytestmark = pytest.mark.django_db(transaction=True)  # the outbox sends what other transactions committed

# the codes that are no word of either language (a code like "completed" is also plain English)
CODES = re.compile(r"\b(" + "|".join(code for code in ApplicationState.values if "_" in code) + r")\b")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_state_by_its_name_in_both_languages(mailoutbox, language):
    apply(Client())
    application = Application.objects.get()
    for state in ApplicationState:
        application.state = state.value
        with translation.override(language):  # whatever the language of the request that caused it
            mail.status_to_vtw(application, "")
        sent = delivered(mailoutbox)[-1]
        with translation.override("nl"):
            dutch = str(state.label)
        with translation.override("en"):
            english = str(state.label)
        assert f"{dutch} / {english}" in sent.subject, sent.subject
        dutch_part, english_part = sent.body.split("-- English --")
        assert f"heeft een nieuwe status: {dutch}." in dutch_part and f"has a new status: {english}." in english_part
        assert not CODES.search(sent.subject + sent.body), sent.body
