"""What every client program needs to talk to the zorgid server: one bounded, JSON-only HTTP conversation.

A subclass names its own user agent and its own error classes (the app's ZID-APP-…, the Desktop App's
ZID-DESKTOP-…), and adds one method per call. Every answer is outside input: its size is bounded, a
non-JSON answer or an unexpected status is refused, and the server's documented error shape
``{"error": {code, status, cause, solution, detail?}}`` becomes the matching :class:`ZorgidError`.
The constructor takes an httpx transport, so a test can run it against any server without a command line.
"""

from __future__ import annotations

import json
import ssl
from typing import ClassVar

import httpx

from zorgid.protocol.errors import ZorgidError

TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 64 * 1024


class JsonServerClient:
    """A client for one zorgid server, named by its origin (``https://portal.example``)."""

    user_agent: ClassVar[str] = "zorgid-client/1"
    unreachable_error: ClassVar[type[ZorgidError]] = ZorgidError
    untrusted_error: ClassVar[type[ZorgidError]] = ZorgidError  # the server's TLS certificate was refused
    answer_error: ClassVar[type[ZorgidError]] = ZorgidError

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url, timeout=timeout, transport=transport, follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": self.user_agent},
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, body: dict | None, *, expect: int, content: bytes | None = None,
              content_type: str | None = None) -> dict:
        """One request: a JSON ``body``, or raw ``content`` of ``content_type``; the answer is JSON."""
        headers = {"Content-Type": content_type} if content_type else None
        try:
            with self._http.stream(method, path, json=body if content is None else None, content=content,
                                   headers=headers) as response:
                raw = self._read_bounded(response)
                status = response.status_code
        except httpx.HTTPError as exc:
            refused = _certificate_refusal(exc)
            if refused is not None:
                raise self.untrusted_error(f"{self.base_url}: {refused}") from exc
            raise self.unreachable_error(f"{method} {self.base_url}{path}: {type(exc).__name__}") from exc
        answer = _parse_json(raw)
        if status == expect and answer is not None and "error" not in answer:
            return answer
        if answer is not None and isinstance(answer.get("error"), dict):
            raise ZorgidError.from_dict(answer)
        raise self.answer_error(f"{method} {path}: unexpected HTTP status {status}")

    def _read_bounded(self, response: httpx.Response) -> bytes:
        """Read at most MAX_ANSWER_BYTES, so a broken or hostile server cannot fill the memory."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
            raise self.answer_error(f"answer of {declared} bytes is too large")
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > MAX_ANSWER_BYTES:
                raise self.answer_error("answer is too large")
        return bytes(data)


def _certificate_refusal(exc: BaseException) -> str | None:
    """Why the server's TLS certificate was refused (OpenSSL's reason, e.g. "self-signed certificate"), when that
    is what broke the connection; None for any other network error."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause.verify_message or "certificate verify failed"
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _parse_json(raw: bytes) -> dict | None:
    """The answer as a JSON object, or None when it is not one (for instance an HTML proxy error page)."""
    try:
        answer = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None
