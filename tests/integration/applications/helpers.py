"""Filling in the application form like a technisch beheerder."""

from __future__ import annotations

import re

from django.test import Client

FORM = {
    "organisation_name": "Huisartsenpraktijk De Linde", "ura": "90000382", "kvk": "12345678",
    "street": "Lindelaan", "house_number": "12a", "postcode": "3511ab", "city": "Utrecht",
    "tb_name": "Tom Beheer", "tb_email": "tb@linde.example", "tb_phone": "030 123 4567",
    "vtw_name": "Vera Vertegenwoordiger", "vtw_email": "vtw@linde.example", "vtw_phone": "+31 30 765 4321",
    "adm_name": "Anna Admin", "adm_email": "adm@linde.example", "adm_phone": "06 1234 5678",
    "product": "mobiel", "environment": "acceptatie",
}


def apply(browser: Client, **changes) -> tuple[str, str]:
    """Submit the form; returns (reference, status page path)."""
    response = browser.post("/aanvragen/nieuw", {**FORM, **changes})
    assert response.status_code == 302, response.content.decode()[:3000]
    path = response["Location"].split("?")[0]
    reference = re.search(r"/aanvragen/(ZID-[0-9]{4}-[A-Z0-9]{8})/status/", path).group(1)
    return reference, path


def delivered(mailoutbox: list) -> list:
    """The mails sent by now: one pass of the outbox worker (``zorgid mail send --once``, the real sending code)
    into pytest-django's ``mailoutbox``."""
    from zorgid.outbox.services import send_due

    send_due()
    return mailoutbox


def link(text: str, pattern: str) -> str:
    return re.search(pattern, text).group(0)
