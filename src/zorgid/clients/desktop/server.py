"""The Desktop App's whole conversation with the zorgid server: read the card flow, send the card's answer.

One small class that takes the server's origin (and, for tests, an httpx transport), so it runs against a
real server, a test server or an ``httpx.MockTransport`` without the command line or a card. Every answer
is outside input: its size is bounded, a non-JSON answer or an unexpected status is refused, and the
server's documented error shape ``{"error": {code, status, cause, solution, detail?}}`` becomes the
matching :class:`ZorgidError`.
"""

from __future__ import annotations

import json

import httpx

from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.messages import MESSAGE_VERSION, card_flow_path, card_response_path

from .errors import ServerAnswerInvalid, ServerUnreachable

TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "zorgid-desktop/1"


class DesktopServerClient:
    """A client for one zorgid server, named by its origin (``https://portal.example``)."""

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, timeout=timeout, transport=transport, follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )

    def __enter__(self) -> DesktopServerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def card_flow(self, flow_id: str) -> dict:
        """GET the card flow: the challenge, the purpose, who asks, and the origin to sign for."""
        return self._call("GET", card_flow_path(flow_id), None, expect=200)

    def send_card_response(self, flow_id: str, certificate_pem: str, signed_at: int, signature_b64: str) -> dict:
        """POST the card's signature over the CardResponse with its authentication certificate."""
        body = {
            "v": MESSAGE_VERSION, "certificate": certificate_pem, "chain": [], "signed_at": signed_at,
            "signature": signature_b64,
        }
        return self._call("POST", card_response_path(flow_id), body, expect=200)

    def _call(self, method: str, path: str, body: dict | None, *, expect: int) -> dict:
        try:
            with self._http.stream(method, path, json=body) as response:
                raw = _read_bounded(response)
                status = response.status_code
        except httpx.HTTPError as exc:
            raise ServerUnreachable(f"{method} {self.base_url}{path}: {type(exc).__name__}") from exc
        answer = _parse_json(raw)
        if status == expect and answer is not None and "error" not in answer:
            return answer
        if answer is not None and isinstance(answer.get("error"), dict):
            raise ZorgidError.from_dict(answer)
        raise ServerAnswerInvalid(f"{method} {path}: unexpected HTTP status {status}")


def _read_bounded(response: httpx.Response) -> bytes:
    """Read at most MAX_ANSWER_BYTES, so a broken or hostile server cannot fill the memory."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise ServerAnswerInvalid(f"answer of {declared} bytes is too large")
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > MAX_ANSWER_BYTES:
            raise ServerAnswerInvalid("answer is too large")
    return bytes(data)


def _parse_json(raw: bytes) -> dict | None:
    """The answer as a JSON object, or None when it is not one (for instance an HTML proxy error page)."""
    try:
        answer = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None
