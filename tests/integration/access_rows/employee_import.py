"""Access-matrix rows of the employee import page (portal/import_views.py): the same form as
test_access_matrix.TABLE.

The organisation's administrators and beheerders (and the operator) import; the row posts the form without a
file, so an allowed role gets the form's own 400 and writes nothing, a refused role its exact refusal
(tests/integration/administration/test_import_page.py uploads real files, for every role that is refused).
"""

ROWS: dict = {
    "portal-org-employee-import": ("post", "/organisatie/{ura}/medewerkers/importeren", "managers", {},
                                   (400, None)),
}


def values(*, linde, oost, bram, people) -> dict:
    """No placeholders of its own: the organisation's URA is the matrix's."""
    return {}
