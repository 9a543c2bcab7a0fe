"""Access-matrix rows of the ZORG-ID Smartcard pages (smartcard_making): the same form as test_access_matrix.TABLE.

Making a smartcard (portal/smartcard_views.py, api SmartcardKeysView): the start page for any logged-in person
(his organisations are chosen there: smartcards.making refuses another, tests/integration/smartcards), the
session's pages only for the browser that started it, and logged in; its status only for that browser, as the
shared card page's; the keys' endpoint is the Desktop App's, open as the card answer's.
"""

from zorgid.flows.cards import start_card_flow

LOGIN = (403, "ZID-PORTAL-LOGIN-REQUIRED")
OTHER_BROWSER = (403, "ZID-CARD-OTHER-BROWSER")
ROLES = ("anonymous", "employee", "beheerder", "administrator", "other_beheerder", "operator")
BOUND_AFTER_LOGIN = {**dict.fromkeys(ROLES, OTHER_BROWSER), "anonymous": LOGIN}
FLOW = "/smartcard/aanmaken/{smartcard_flow}"

ROWS: dict = {
    "portal-smartcard-new": ("get", "/smartcard/aanmaken", "login", None, (200, None)),
    "portal-smartcard-card": ("get", FLOW, "bound", None, BOUND_AFTER_LOGIN),
    "portal-smartcard-status": ("get", FLOW + "/status", "bound", None, OTHER_BROWSER),
    "portal-smartcard-refresh": ("post", FLOW + "/verversen", "bound", {}, BOUND_AFTER_LOGIN),
    "portal-smartcard-answered": ("post", FLOW + "/pas-gelezen", "bound", {}, BOUND_AFTER_LOGIN),
    "portal-smartcard-done": ("get", FLOW + "/klaar", "bound", None, BOUND_AFTER_LOGIN),
    "api-smartcard-keys": ("post", "/api/v1/card-flows/{smartcard_flow}/smartcard", "public", None,
                           (400, "ZID-REQUEST-MALFORMED")),
}


def values(*, linde, oost, bram, people) -> dict:
    """Extra placeholder values for these rows' paths (made in the matrix's world)."""
    flow = start_card_flow(browser_secret="another-browser", origin="http://testserver", purpose="smartcard",
                           requester_name="x", person=bram)
    flow.page_state = {"ura": linde.ura}
    flow.save(update_fields=["page_state"])
    return {"smartcard_flow": flow.id}
