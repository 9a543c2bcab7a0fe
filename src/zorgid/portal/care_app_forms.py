"""The operator's forms for the register of healthcare applications: bounded fields, Dutch labels (R-SEC-INPUT).

The forms only bound and split what was typed; every rule of the register is checked by
``care_apps.services`` (one place per rule), whose input errors name the field they belong to.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from zorgid.care_apps.models import Product
from zorgid.care_apps.services import JWKS_MAX_BYTES, URI_MAX, URIS_MAX, VERSIONS_MAX

LIST_SEPARATORS = re.compile(r"[\s,]+")  # versions and addresses: one per line (or separated by commas)


def _items(text: str) -> list[str]:
    return [item for item in LIST_SEPARATORS.split(text or "") if item]


def _list_field(label, help_text, *, items: int, item_length: int, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=required,
                           max_length=items * (item_length + 2) + 100, widget=forms.Textarea(attrs={"rows": 3}))


class CareAppForm(forms.Form):
    name = forms.CharField(label=_("Naam van de applicatie"), max_length=128,
                           help_text=_("Zo ziet de medewerker haar in de app en op de inlogpagina."))
    supplier = forms.CharField(label=_("Leverancier"), max_length=128)
    versions = _list_field(_("Geaccepteerde versies"), _("Eén per regel, bijvoorbeeld 2.1."), items=VERSIONS_MAX,
                           item_length=32)
    products = forms.MultipleChoiceField(label=_("Producten"), choices=Product.choices, initial=[Product.MOBIEL],
                                         widget=forms.CheckboxSelectMultiple)
    redirect_uris = _list_field(
        _("Redirect URI's"), _("Eén per regel, ten hoogste 10; volledig en zonder fragment (#). In productie alleen "
                               "https, in acceptatie ook http naar 127.0.0.1, [::1] of localhost."),
        items=URIS_MAX, item_length=URI_MAX)
    jwks = forms.CharField(
        label=_("Publieke sleutels (JWK Set)"), required=False, max_length=JWKS_MAX_BYTES,
        help_text=_("Voor private_key_jwt: plak de JSON met \"keys\" (alleen publieke sleutels). Vul precies één "
                    "van de vier manieren van aanmelden in."),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}))
    jwks_uri = forms.CharField(label=_("Adres van de publieke sleutels (jwks_uri)"), required=False,
                               max_length=URI_MAX)
    tls_ura = forms.CharField(label=_("URA van het UZI-servercertificaat (mutual TLS)"), required=False,
                              max_length=8)
    tls_subject_dn = forms.CharField(
        label=_("Subject-DN van het OV-certificaat (mutual TLS)"), required=False, max_length=500,
        help_text=_("Bijvoorbeeld CN=epd.example.nl,O=Voorbeeld B.V.,C=NL"))
    post_logout_redirect_uris = _list_field(_("Terugkeeradressen na uitloggen"), _("Eén per regel (optioneel)."),
                                            items=URIS_MAX, item_length=URI_MAX, required=False)
    backchannel_logout_uri = forms.CharField(label=_("Adres voor back-channel logout"), required=False,
                                             max_length=URI_MAX)
    wid_check_allowed = forms.BooleanField(
        label=_("WID-controle toestaan (scope wid_check)"), required=False,
        help_text=_("De applicatie leest de laatste WID-controle van een patiënt die de ingelogde medewerker met zijn "
                    "WID scan app vastlegde. Alleen voor een applicatie aan de balie die dat nodig heeft."))

    def service_arguments(self) -> dict:
        """The cleaned form as ``care_apps.services.add_application`` takes it."""
        data = dict(self.cleaned_data)
        for name in ("versions", "redirect_uris", "post_logout_redirect_uris"):
            data[name] = _items(data[name])
        data["jwks"] = data["jwks"] or None
        return data


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("Reden (optioneel)"), max_length=500, required=False)


class VersionForm(forms.Form):
    version = forms.CharField(label=_("Versie"), max_length=32)
