"""Access-matrix rows of the ZORG-ID Smartcard pages (smartcard_login): the same form as test_access_matrix.TABLE."""

from zorgid.flows.cards import start_card_flow

ROWS: dict = {
    # a POST starts a card session (its address is new each time); a GET starts nothing
    "portal-smartcard-login": ("get", "/inloggen/smartcard", "public", None, (405, None)),
    "portal-smartcard-login-card-read": ("post", "/inloggen/smartcard/{smartcard_login_flow}/gelezen", "bound", {},
                                         (403, "ZID-CARD-OTHER-BROWSER")),
    "oidc-smartcard-login": ("post", "/oidc/authorize/{oidc_flow}/smartcard", "bound", {},
                             (403, "ZID-LOGIN-OTHER-BROWSER")),
}


def values(*, linde, oost, bram, people) -> dict:
    """Extra placeholder values for these rows' paths (made in the matrix's world)."""
    return {"smartcard_login_flow": start_card_flow(browser_secret="another-browser", origin="http://testserver",
                                                    purpose="smartcard-login", requester_name="x").id}
