"""One confirmation step before every destructive portal action (revoke, block, delete, a role taken away, a
withdrawal): its GET shows what will happen, with Bevestigen and Annuleren; only the POST of that page, with its
CSRF token and ``confirm=ja``, acts. A POST without ``confirm=ja`` does nothing and shows the confirmation again,
saying so. Plain forms and links: it works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "ja"


@dataclass(frozen=True)
class Confirmation:
    """What the page asks: ``title`` names the action, ``question`` says what happens to whom (after "Weet u het
    zeker?"), ``consequences`` what follows from it; the form posts to ``action`` with ``hidden`` fields;
    Annuleren leads to ``back``."""

    title: str
    question: str
    consequences: list[str]
    action: str
    back: str
    hidden: dict[str, str] = field(default_factory=dict)


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == CONFIRMED


def ask(request: HttpRequest, confirmation: Confirmation, *, template: str = "portal/confirm.html",
        posted_first: bool = False, **context) -> HttpResponse:
    """The confirmation page (200); after a POST that was not confirmed, the same page with a note (400). With
    ``posted_first`` the page's own form posts what the action needs (a reason, a version) without ``confirm``
    first: that POST is the way to the confirmation (200, no note)."""
    unconfirmed = request.method == "POST" and not posted_first
    return render(request, template, {"confirmation": confirmation, "unconfirmed": unconfirmed, **context},
                  status=400 if unconfirmed else 200)
