"""Access-matrix rows of the ZORG-ID Smartcard pages (smartcard_admin): the same form as test_access_matrix.TABLE.

Bram, a medewerker of De Linde, has a smartcard linked to De Linde (values). The first allowed role revokes it;
after that the others find no active card."""

ORG_PERSON = "/organisatie/{ura}/medewerkers/{bram}"
NONE_ACTIVE = (404, "ZID-SMARTCARD-NONE-ACTIVE")
LINK_WID = {"smartcard-document_type": "paspoort", "smartcard-number_last4": "X12B",
            "smartcard-expiry_date": "2031-01-01", "smartcard-confirmed": "on"}

ROWS: dict = {
    "portal-smartcard-revoke": ("get", "/mijn-smartcard/intrekken", "login", None, (200, None)),
    "portal-org-smartcard-revoke": ("post", ORG_PERSON + "/smartcard/intrekken", "managers", {"confirm": "ja"},
                                    {"beheerder": (302, ORG_PERSON), "administrator": NONE_ACTIVE,
                                     "operator": NONE_ACTIVE}),
    "portal-org-smartcard-link": ("post", ORG_PERSON + "/smartcard/koppelen", "managers", LINK_WID,
                                  (302, ORG_PERSON)),
}


def values(*, linde, oost, bram, people) -> dict:
    """Extra placeholder values for these rows' paths (made in the matrix's world): Bram's smartcard."""
    from tests.integration.organisations.test_smartcard_links import software_card

    software_card(bram, linde)
    return {}
