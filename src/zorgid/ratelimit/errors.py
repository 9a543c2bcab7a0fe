"""The answer to a client that asked too often (429 with Retry-After)."""

from __future__ import annotations

from zorgid.protocol.errors import ZorgidError


class RateLimited(ZorgidError):
    code = "ZID-RATE-LIMIT"
    status = 429
    cause_nl = "Er zijn vanaf dit adres in korte tijd te veel verzoeken gedaan."
    cause_en = "Too many requests have been made from this address in a short time."
    solution_nl = "Wacht even (zie detail) en probeer het dan opnieuw."
    solution_en = "Wait a while (see detail) and try again."

    def __init__(self, retry_after: int = 60, detail: str = "") -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(detail or f"try again in {self.retry_after} s")
