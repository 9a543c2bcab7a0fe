"""Access-matrix rows of the WID scan app's API (R-FLOW-WIDSCAN): public addresses, each refusing an empty body
with its code; who may act is decided by the link code and the signatures (tests/integration/widscan)."""

import datetime as dt

from zorgid import clock
from zorgid.widscan.models import WidScanLink

MALFORMED = (400, "ZID-REQUEST-MALFORMED")
ROWS: dict = {
    "api-widscan-links": ("post", "/api/v1/widscan-links", "public", None, MALFORMED),
    "api-widscan-claim": ("post", "/api/v1/widscan-links/{widscan_link}/claim", "public", None, MALFORMED),
    "api-widscan-state": ("post", "/api/v1/widscan-links/{widscan_link}/state", "public", None, MALFORMED),
    "api-widscan-approval": ("post", "/api/v1/widscan-links/{widscan_link}/approval", "public", None, MALFORMED),
    "api-widscan-decline": ("post", "/api/v1/widscan-links/{widscan_link}/decline", "public", None, MALFORMED),
    "api-widscan-checks": ("post", "/api/v1/widscan-checks", "public", None, MALFORMED),
}


def values(*, linde, oost, bram, people) -> dict:
    """An offered link of Anna's Mobile ID (its code known to no role)."""
    now = clock.now()
    link = WidScanLink.objects.create(mobile_id=people["administrator"].mobile_ids.get(), code_hash="0" * 64,
                                      offered_at=now, expires_at=now + dt.timedelta(minutes=10))
    return {"widscan_link": link.id}
