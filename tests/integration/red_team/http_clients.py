"""The attacker's tools in the replays: an app and a browser that speak to a live server over real HTTP."""

from __future__ import annotations

import httpx


class App:
    """The app's side of the API over real HTTP, in the shape tests.conftest.Device expects of its client."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, body: dict, content_type: str = "application/json") -> httpx.Response:
        return self.http.post(path, json=body)


class Browser:
    """A browser: its cookies, and forms sent with the CSRF token every portal page sets."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, data: dict | None = None) -> httpx.Response:
        if "csrftoken" not in self.http.cookies:
            self.get("/")
        return self.http.post(path, data=data or {}, headers={"X-CSRFToken": self.http.cookies["csrftoken"]})
