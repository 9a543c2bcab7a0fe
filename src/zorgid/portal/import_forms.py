"""The form of the employee import page (portal.import_views): one CSV file, and "only check" (a trial)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    bestand = forms.FileField(
        label=_("CSV-bestand met medewerkers"), allow_empty_file=True,  # an empty file: the importer's own error
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
        error_messages={"required": _("Kies een CSV-bestand om te importeren."),
                        "invalid": _("Dit is geen bestand. Kies een CSV-bestand om te importeren.")})
    proef = forms.BooleanField(label=_("Alleen controleren: niets opslaan (proef)"), required=False)
