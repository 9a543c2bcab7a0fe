"""Portal forms: bounded, validated, Dutch messages (R-SEC-INPUT)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zorgid.administration.employees import ScannedWid, Wid
from zorgid.identities.errors import PersonDataInvalid
from zorgid.identities.models import WidDocumentType
from zorgid.identities.people import DIGIT, NAME_MAX, PersonName, check_birth_date
from zorgid.pki.uzi.errors import UraInvalid, UziNumberInvalid
from zorgid.pki.uzi.numbers import Ura, UziNumber
from zorgid.widscan.services import normalised_reference


class BirthDateForm(forms.Form):
    """R-CONST-DATE: the date picker sends jjjj-mm-dd; typed by hand, dd-mm-jjjj is accepted too."""

    birth_date = forms.DateField(
        label=_("Geboortedatum"), input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date", "placeholder": _("dd-mm-jjjj"), "autocomplete": "bday"}),
        error_messages={"required": _("Vul uw geboortedatum in."),
                        "invalid": _("Dit is geen bestaande datum. Vul de datum in als dd-mm-jjjj.")},
    )

    def clean_birth_date(self) -> dt.date:
        value = self.cleaned_data["birth_date"]
        try:
            return check_birth_date(value)
        except PersonDataInvalid as exc:
            raise ValidationError(
                _("De geboortedatum kan niet kloppen: hij ligt in de toekomst of geeft een onmogelijke leeftijd.")
            ) from exc


class NameField(forms.CharField):
    """A person's name by identities.people.PersonName (NFC, at most 128 characters, at least one letter, no
    control or format characters): refused at the field, before any service sees it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=NAME_MAX, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return PersonName(value).value if value else value
        except PersonDataInvalid as exc:
            if exc.reason == DIGIT:
                raise ValidationError(_("Een naam bevat geen cijfers."), code="name") from exc
            raise ValidationError(_("Vul een naam in met letters, op één regel, zonder onzichtbare tekens."),
                                  code="name") from exc


class UraField(forms.CharField):
    """A URA by pki.uzi.numbers.Ura: 8 digits."""

    default_error_messages = {"invalid": _("Het URA bestaat uit 8 cijfers.")}

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=8, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return Ura(value).value if value else value
        except UraInvalid as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Naam van de organisatie"), max_length=200)
    ura = UraField(label=_("URA"))
    kvk = forms.RegexField(label=_("KvK-nummer"), regex=r"^[0-9]{8}$", max_length=8,
                           error_messages={"invalid": _("Het KvK-nummer bestaat uit 8 cijfers.")})


class WidCheckForm(forms.Form):
    """The face-to-face WID check (R-FLOW-BEHREG): document type, last 4 characters of its number, expiry."""

    document_type = forms.ChoiceField(label=_("Soort identiteitsbewijs"), choices=WidDocumentType.choices)
    number_last4 = forms.RegexField(label=_("Laatste 4 tekens van het documentnummer"), regex=r"^[A-Za-z0-9]{4}$",
                                    max_length=4, error_messages={"invalid": _("Vul precies 4 letters of cijfers in.")})
    expiry_date = forms.DateField(label=_("Geldig tot"), input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"invalid": _("Dit is geen bestaande datum.")})
    confirmed = forms.BooleanField(label=_("Ik heb het identiteitsbewijs persoonlijk gecontroleerd en de persoon "
                                           "herkend van de foto."))

    def wid(self) -> Wid:
        data = self.cleaned_data
        return Wid(data["document_type"], data["number_last4"], data["expiry_date"])


TYPED_WID_FIELDS = ("document_type", "number_last4", "expiry_date")


class WidOrScanForm(WidCheckForm):
    """The WID check either from the beheerder's own WID scan app (the code it showed after a check of an
    employee's document; R-FLOW-WIDSCAN) or typed: exactly one of the two."""

    scan_code = forms.CharField(
        label=_("WID scan-code"), max_length=32, required=False,
        help_text=_("De code van 8 tekens die uw WID scan app toont nadat u het identiteitsbewijs van de medewerker "
                    "hebt gescand. Hebt u geen WID scan app, laat dit dan leeg en vul de drie gegevens hieronder in."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))
    field_order = ["scan_code", "document_type", "number_last4", "expiry_date", "confirmed"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in TYPED_WID_FIELDS:
            self.fields[name].required = False
        self.fields["document_type"].choices = [("", "—"), *WidDocumentType.choices]

    def clean_scan_code(self) -> str:
        value = self.cleaned_data["scan_code"]
        if not value.strip():
            return ""
        code = normalised_reference(value)
        if not code:
            raise ValidationError(_("Een WID scan-code bestaat uit 8 letters en cijfers (2 tot en met 9), zoals uw "
                                    "WID scan app hem toont."), code="scan_code")
        return code

    def clean(self):
        data = super().clean()
        typed = [name for name in TYPED_WID_FIELDS if self.data.get(self.add_prefix(name), "").strip()]
        scanned = bool(self.data.get(self.add_prefix("scan_code"), "").strip())
        if scanned and typed:
            self.add_error("scan_code", ValidationError(
                _("Geef óf de WID scan-code óf de gegevens van het identiteitsbewijs, niet allebei. Laat de "
                  "getypte gegevens leeg als u de code van uw WID scan app gebruikt."), code="both"))
        elif not scanned:
            for name in TYPED_WID_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError(self.fields[name].error_messages["required"],
                                                         code="required"))
            if not typed:
                self.add_error(None, ValidationError(
                    _("Neem de WID scan-code over uit uw WID scan app, of vul de gegevens van het identiteitsbewijs "
                      "in."), code="neither"))
        return data

    def wid(self) -> Wid | ScannedWid:
        code = self.cleaned_data.get("scan_code")
        return ScannedWid(code) if code else super().wid()


class EmployeeForm(BirthDateForm, WidOrScanForm):
    first_names = NameField(label=_("Voornamen (zoals in het identiteitsbewijs)"))
    last_name = NameField(label=_("Achternaam (zoals in het identiteitsbewijs)"))
    field_order = ["first_names", "last_name", "birth_date", "scan_code", "document_type", "number_last4",
                   "expiry_date", "confirmed"]


class EmployeeSearchForm(forms.Form):
    """The employee list's query string: the search fields, and the position of the page (its links' cursors)."""

    q = forms.CharField(label=_("Naam"), max_length=100, required=False)
    geboortedatum = forms.DateField(label=_("Geboortedatum (dd-mm-jjjj)"), required=False,
                                    input_formats=["%d-%m-%Y", "%Y-%m-%d"],
                                    error_messages={"invalid": _("Dit is geen bestaande datum. Vul de datum in als "
                                                                 "dd-mm-jjjj.")})
    uzi = forms.CharField(label=_("UZI-nummer"), max_length=20, required=False)
    na = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False)
    voor = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False)
    pagina = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    SEARCH_FIELDS = {"q": 100, "geboortedatum": 10, "uzi": 20}  # name: the most characters kept as typed
    POSITION_FIELDS = ("na", "voor", "pagina")

    def clean_uzi(self) -> str:
        value = self.cleaned_data["uzi"]
        try:
            return UziNumber(value).value if value.strip() else ""
        except UziNumberInvalid as exc:
            raise ValidationError(_("Het UZI-nummer bestaat uit 9 cijfers.")) from exc

    def search_errors(self) -> bool:
        return any(name in self.errors for name in self.SEARCH_FIELDS)

    def position_errors(self) -> bool:
        return any(name in self.errors for name in self.POSITION_FIELDS)
