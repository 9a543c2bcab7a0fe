"""The public application form and the follow-up form: bounded fields, Dutch messages (R-SEC-INPUT).

Every field is one line: line breaks, control and format characters (bidi overrides, zero-width spaces) are
refused with a message at the field; names follow the project's one name rule (identities.people.PersonName).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from zorgid.applications.models import Product
from zorgid.control_characters import invisible

from .forms import BirthDateForm, NameField, UraField

EIGHT_DIGITS = {"invalid": _("Vul precies 8 cijfers in.")}
PHONE = r"^\+?[0-9][0-9 -]{8,16}$"
PHONE_ERROR = {"invalid": _("Vul een telefoonnummer in, bijvoorbeeld 030 123 4567 of +31 30 123 4567.")}


ENVIRONMENTS = [("acceptatie", _("Acceptatie (leveranciers, testen)")), ("productie", _("Productie"))]


def single_line(value: str) -> None:
    """No line break, tab, control or format character (Unicode category C) anywhere in the value."""
    if invisible(value or ""):
        raise ValidationError(_("Gebruik één regel zonder regeleinden, tabs of onzichtbare tekens."),
                              code="single_line")


class SingleLineForm(forms.Form):
    """Every text field of the form refuses what single_line refuses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea):
                field.validators.append(single_line)


def _name(who) -> NameField:
    return NameField(label=format_lazy("{} ({})", _("Naam"), who))


def _email(who) -> forms.EmailField:
    return forms.EmailField(label=format_lazy("{} ({})", _("E-mailadres"), who), max_length=254)


def _phone(who) -> forms.RegexField:
    return forms.RegexField(label=format_lazy("{} ({})", _("Telefoonnummer"), who), regex=PHONE, max_length=20,
                            error_messages=PHONE_ERROR)


TB, VTW, ADM = _("technisch beheerder"), _("vertegenwoordiger"), _("portaal administrator")


class ApplicationForm(SingleLineForm):
    organisation_name = forms.CharField(label=_("Naam van de organisatie"), max_length=200)
    ura = UraField(label=_("URA"), error_messages=EIGHT_DIGITS,
                   help_text=_("Het UZI-register abonneenummer van uw organisatie, 8 cijfers."))
    kvk = forms.RegexField(label=_("KvK-nummer"), regex=r"^[0-9]{8}$", max_length=8, error_messages=EIGHT_DIGITS)
    street = forms.CharField(label=_("Straat"), max_length=200)
    house_number = forms.RegexField(label=_("Huisnummer"), regex=r"^[0-9]{1,5}( ?[A-Za-z0-9-]{1,6})?$",
                                    max_length=16)
    postcode = forms.RegexField(label=_("Postcode"), regex=r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", max_length=7,
                                error_messages={"invalid": _("Vul een Nederlandse postcode in, bijvoorbeeld 3511 AB.")})
    city = forms.CharField(label=_("Plaats"), max_length=100)
    tb_name, tb_email, tb_phone = _name(TB), _email(TB), _phone(TB)
    vtw_name, vtw_email, vtw_phone = _name(VTW), _email(VTW), _phone(VTW)
    adm_name, adm_email, adm_phone = _name(ADM), _email(ADM), _phone(ADM)
    product = forms.ChoiceField(label=_("Product"), choices=Product.choices, widget=forms.RadioSelect)
    environment = forms.ChoiceField(label=_("Omgeving"), choices=ENVIRONMENTS)

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].replace(" ", "").upper()
        return f"{value[:4]} {value[4:]}"

    def clean_environment(self) -> str:
        value = self.cleaned_data["environment"]
        if value != settings.ZORGID_ENVIRONMENT:
            raise forms.ValidationError(
                _("Deze installatie is de omgeving %(env)s: vraag daar uw aanvraag aan."),
                params={"env": settings.ZORGID_ENVIRONMENT})
        return value


class FollowupForm(BirthDateForm, SingleLineForm):
    first_names = NameField(label=_("Voornamen (zoals in uw identiteitsbewijs)"))
    last_name = NameField(label=_("Achternaam (zoals in uw identiteitsbewijs)"))
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    phone = forms.RegexField(label=_("Telefoonnummer"), regex=PHONE, max_length=20, error_messages=PHONE_ERROR)
    field_order = ["first_names", "last_name", "birth_date", "email", "phone"]


class UploadForm(SingleLineForm):
    reference = forms.CharField(label=_("Referentie van uw aanvraag"), max_length=32)
    document = forms.FileField(label=_("Ondertekend organisatiedocument (XML)"))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Toelichting"), max_length=2000, required=False, widget=forms.Textarea)
