"""The answer to a client that asked too often (429 with Retry-After)."""

from __future__ import annotations

import re

from zorgid.protocol.errors import Detail, ZorgidError


class RateLimited(ZorgidError):
    code = "ZID-RATE-LIMIT"
    status = 429
    cause_nl = "Er zijn vanaf dit adres in korte tijd te veel verzoeken gedaan."
    cause_en = "Too many requests have been made from this address in a short time."
    solution_nl = "Wacht even (zie detail) en probeer het dan opnieuw."
    solution_en = "Wait a while (see detail) and try again."

    def __init__(self, detail: str | Detail = "", *, retry_after: int | None = None) -> None:
        if retry_after is None:  # rebuilt from an answer (ZorgidError.from_dict): the seconds are in the detail
            found = re.search(r"(\d+) s", detail.en if isinstance(detail, Detail) else detail)
            retry_after = int(found.group(1)) if found else 60
        self.retry_after = max(1, int(retry_after))
        if isinstance(detail, str) and detail:
            super().__init__(detail)
        else:  # made here, or rebuilt by a client: the seconds in the reader's language
            super().__init__(Detail(nl=f"probeer het over {self.retry_after} s opnieuw",
                                    en=f"try again in {self.retry_after} s"))
