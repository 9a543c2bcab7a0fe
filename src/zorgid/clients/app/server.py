"""The app's whole conversation with the zorgid server: three HTTP calls, nothing else.

Kept in one class that takes the base URL (and, for tests, an httpx transport), so the HTTP part can be
exercised against a real server or an ``httpx.MockTransport`` without the command line. Every answer is
outside input: its size is bounded, a non-JSON answer or an unexpected status is refused, and the
server's documented error shape becomes the matching :class:`ZorgidError`.
"""

from __future__ import annotations

import json

import httpx

from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.messages import (
    ACTIVATIONS_PATH,
    MESSAGE_VERSION,
    login_approval_path,
    login_flow_path,
)

from .errors import ServerAnswerInvalid, ServerUnreachable

TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "zorgid-app/1"


class ServerClient:
    """A client for one zorgid server, named by its origin (``https://portal.example``)."""

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, timeout=timeout, transport=transport, follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def activate(self, code: str, csr_pem: str) -> dict:
        """POST the activation code and CSR; the server answers 201 with the certificate and holder."""
        body = {"v": MESSAGE_VERSION, "code": code, "csr": csr_pem}
        return self._call("POST", ACTIVATIONS_PATH, body, expect=201)

    def login_flow(self, flow_id: str) -> dict:
        """GET the login flow: who asks, the nonce to sign, and the origin to sign for."""
        return self._call("GET", login_flow_path(flow_id), None, expect=200)

    def approve_login(self, flow_id: str, mobile_id: str, signed_at: int, signature_b64: str) -> dict:
        """POST the signed approval ("Accepteren") of a login flow."""
        body = {
            "v": MESSAGE_VERSION, "mobile_id": mobile_id, "signed_at": signed_at, "signature": signature_b64,
        }
        return self._call("POST", login_approval_path(flow_id), body, expect=200)

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
