"""The portal's forms refuse by the domain's own rules (identities.people, pki.uzi.numbers), at the field."""

import datetime as dt

import pytest

from zorgid.portal.forms import EmployeeForm, EmployeeSearchForm, OrganisationForm

GOOD = {"first_names": "Jan Willem", "last_name": "de Vries", "birth_date": "17-05-1980",
        "document_type": "paspoort", "number_last4": "X12B", "expiry_date": "01-01-2031", "confirmed": "on"}


def test_a_good_employee_is_taken_cleaned():
    form = EmployeeForm({**GOOD, "first_names": " Jose\u0301 "})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["first_names"], form.cleaned_data["birth_date"]) == ("José", dt.date(1980, 5, 17))


@pytest.mark.parametrize("field, value", [
    ("first_names", "Jan\u200bWillem"),  # zero-width space
    ("last_name", "Vries\u202e"),  # bidi override
    ("last_name", "12345"),  # no letter
    ("first_names", "x" * 129),
])
def test_a_name_that_person_name_refuses_is_refused_at_its_field(field, value):
    form = EmployeeForm({**GOOD, field: value})
    assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.parametrize("ura, ok", [("90000382", True), (" 90000382 ", True), ("9000038", False),
                                     ("900003821", False), ("9000038a", False)])
def test_the_organisation_form_takes_a_ura_by_the_ura_rule(ura, ok):
    form = OrganisationForm({"name": "Huisartsenpraktijk De Linde", "ura": ura, "kvk": "12345678"})
    assert form.is_valid() == ok
    if ok:
        assert form.cleaned_data["ura"] == "90000382"
    else:
        assert list(form.errors) == ["ura"]


@pytest.mark.parametrize("uzi, wanted", [("900 016 528", "900016528"), ("", ""), ("90001652", None),
                                         ("９００016528", None)])
def test_the_employee_search_takes_a_uzi_number_by_the_uzi_number_rule(uzi, wanted):
    form = EmployeeSearchForm({"uzi": uzi})
    assert form.is_valid() == (wanted is not None)
    if wanted is not None:
        assert form.cleaned_data["uzi"] == wanted
