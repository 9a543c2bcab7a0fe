"""The form of a correction of a person's names and birth date (docs/security.md, "Correcting a person's data")."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zorgid.administration.correction_errors import CorrectionReasonInvalid
from zorgid.administration.employees import REASON_MAX, correction_reason
from zorgid.control_characters import TOO_LONG, ControlCharacter

from .forms import BirthDateForm, NameField, WidOrScanForm


class CorrectionForm(BirthDateForm, WidOrScanForm):
    """Names and birth date as in the identity document, the WID check with that document, and why."""

    first_names = NameField(label=_("Voornamen (zoals in het identiteitsbewijs)"))
    last_name = NameField(label=_("Achternaam, met tussenvoegsel (zoals in het identiteitsbewijs)"),
                          help_text=_("Bijvoorbeeld: van der Berg"))
    reason = forms.CharField(
        label=_("Reden van de correctie"),  # at most REASON_MAX once its line breaks are spaces (clean_reason)
        help_text=_("Op wiens verzoek en waarom, bijvoorbeeld: geboortedatum verkeerd overgenomen bij de registratie. "
                    "Ten hoogste 500 tekens."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
        error_messages={"required": _("Vul de reden van de correctie in.")},
    )
    field_order = ["first_names", "last_name", "birth_date", "reason", "scan_code", "document_type", "number_last4",
                   "expiry_date", "confirmed"]

    PERSON_FIELDS = ("first_names", "last_name", "birth_date")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        born = self.fields["birth_date"]  # typed as dd-mm-jjjj (R-CONST-DATE), whatever the browser's language
        born.label = _("Geboortedatum (dd-mm-jjjj)")
        born.widget = forms.DateInput(format="%d-%m-%Y", attrs={"placeholder": _("dd-mm-jjjj"), "inputmode": "numeric",
                                                                "autocomplete": "off", "maxlength": 10})

    def clean_reason(self) -> str:
        try:
            return correction_reason(self.cleaned_data["reason"])
        except (CorrectionReasonInvalid, ControlCharacter) as exc:
            if exc.detail == TOO_LONG:
                raise ValidationError(_("De reden is te lang: ten hoogste 500 tekens."), code="reason") from exc
            raise ValidationError(_("Schrijf de reden zonder onzichtbare tekens."), code="reason") from exc
