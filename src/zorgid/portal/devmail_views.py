"""Development mail (acceptatie only, operators only): the mails kept in $ZORGID_HOME/mail instead of sent.

In productie these addresses answer 404 ZID-NOT-FOUND to everyone, before anyone's role is looked at. A mail's
text is shown as text (an HTML part as its source, escaped), never rendered; attachments are downloads
(``Content-Disposition: attachment``, ``nosniff``); a raster image (the activation QR) is also shown as a picture.
Stems and file names from the address are taken only in their stored forms (outbox/dev_mail_files.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zorgid.errors import NotFound
from zorgid.outbox import dev_mail
from zorgid.web import client_ip

from .access import require_operator

PAGE_SIZE = 50


def _operator_in_acceptatie(request: HttpRequest):
    if settings.ZORGID_ENVIRONMENT != "acceptatie":
        raise NotFound()  # productie: these pages do not exist
    return require_operator(request)


@require_safe
def mail_list(request: HttpRequest) -> HttpResponse:
    _operator_in_acceptatie(request)
    page = Paginator(dev_mail.stored(), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "portal/devmail_list.html", {
        "page": page, "mails": dev_mail.page_of(list(page.object_list)), "folder": dev_mail.folder(),
        "smtp": bool(settings.ZORGID_SMTP_HOST),
    })


@require_safe
def mail_detail(request: HttpRequest, stem: str) -> HttpResponse:
    operator = _operator_in_acceptatie(request)
    mail, body = dev_mail.open_mail(stem, actor=f"person:{operator.id}", ip=client_ip(request))
    return render(request, "portal/devmail_detail.html", {"mail": mail, "body": body})


@require_safe
def mail_attachment(request: HttpRequest, stem: str, name: str) -> HttpResponse:
    operator = _operator_in_acceptatie(request)
    found = dev_mail.open_attachment(stem, name, actor=f"person:{operator.id}", ip=client_ip(request))
    response = FileResponse(open(found.path, "rb"), as_attachment=True, filename=found.name,  # noqa: SIM115
                            content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
