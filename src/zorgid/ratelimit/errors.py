"""The answer to a client that asked too often (429 with Retry-After)."""

from __future__ import annotations

import re

from zorgid.protocol.errors import ZorgidError


class RateLimited(ZorgidError):
    code = "ZID-RATE-LIMIT"
    status = 429
    cause_nl = "Er zijn vanaf dit adres in korte tijd te veel verzoeken gedaan."
    cause_en = "Too many requests have been made from this address in a short time."
    solution_nl = "Wacht even (zie detail) en probeer het dan opnieuw."
    solution_en = "Wait a while (see detail) and try again."

    def __init__(self, detail: str = "", *, retry_after: int | None = None) -> None:
        if retry_after is None:  # rebuilt from an answer (ZorgidError.from_dict): the seconds are in the detail
            found = re.search(r"(\d+) s", detail)
            retry_after = int(found.group(1)) if found else 60
        self.retry_after = max(1, int(retry_after))
        super().__init__(detail or f"try again in {self.retry_after} s")
