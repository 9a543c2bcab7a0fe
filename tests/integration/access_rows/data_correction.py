"""Access-matrix rows of correcting a person's names and birth date (correction_views; docs/security.md,
"Correcting a person's data"): the same form as test_access_matrix.TABLE.

Bram is a plain medewerker of De Linde: its managers and the operator may correct him. Anna (the matrix's
administrator) may not correct herself, and a beheerder may not correct her (the administrator role is the
administrators'). The rows that write post complete, confirmed data: the first allowed role corrects, after that
the data entered are the person's own (ZID-CORRECTION-UNCHANGED).
"""

ORG_PERSON = "/organisatie/{ura}/medewerkers/{bram}"
ANNA = "/organisatie/{ura}/medewerkers/{anna}"
CORRECTION = {"first_names": "Bram Jan", "last_name": "Bakker", "birth_date": "1990-06-11",
              "reason": "Geboortedatum verkeerd overgenomen; paspoort gezien.", "document_type": "paspoort",
              "number_last4": "X12B", "expiry_date": "2031-01-01", "confirmed": "on", "bevestigd": "ja"}
UNCHANGED = (400, "ZID-CORRECTION-UNCHANGED")

ROWS: dict = {
    "portal-org-employee-correct": ("get", ORG_PERSON + "/gegevens", "managers", None, (200, None)),
}

CASES: dict = {
    "correct a medewerker's data": ("post", ORG_PERSON + "/gegevens", "managers", CORRECTION,
                                    {"beheerder": (302, ORG_PERSON), "administrator": UNCHANGED,
                                     "operator": UNCHANGED}),
    "correct the administrator's data": ("get", ANNA + "/gegevens", "managers", None,
                                         {"beheerder": (403, "ZID-EMPLOYEE-ADMINISTRATOR-ONLY"),
                                          "administrator": (403, "ZID-CORRECTION-SELF"), "operator": (200, None)}),
}


def values(*, linde, oost, bram, people) -> dict:
    return {}
