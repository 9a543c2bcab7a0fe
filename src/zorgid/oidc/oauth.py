"""The thin adapter between zorgid and Authlib: a request Authlib can read without Django, an answer the views turn
into an HTTP response, and zorgid's errors as OAuth errors.

The provider's services take plain values (the query or form as a mapping of lists, the headers, the client's
address) and return an :class:`OAuthAnswer`, so they are tested without HTTP; portal/oidc_views.py only parses and
answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from authlib.oauth2.base import OAuth2Error
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request

from zorgid.protocol.errors import ZorgidError

from .errors import describe, oauth_error_of


class Payload(OAuth2Payload):
    """The request's parameters: ``data`` the single values, ``datalist`` every value (repeats are refused)."""

    def __init__(self, params: Mapping[str, list[str]]) -> None:
        self._datalist = defaultdict(list, {key: list(values) for key, values in params.items()})
        self._data = {key: values[-1] for key, values in self._datalist.items() if values}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class ZorgidRequest(OAuth2Request):
    """An OAuth request as Authlib reads it, made of plain values.

    ``client_address`` is the connecting address (REMOTE_ADDR) and ``headers`` the request's headers: the mutual-TLS
    client authentication reads the client certificate that a configured reverse proxy passes on.
    """

    def __init__(self, method: str, uri: str, params: Mapping[str, list[str]], *,
                 headers: Mapping[str, str] | None = None, client_address: str = "") -> None:
        # Authlib refuses a plain-http uri here; zorgid decides about transport itself (productie requires an https
        # issuer and base URL: production.py), so Authlib is given the https form of the same address.
        secure = "https://" + uri.split("://", 1)[1] if uri.startswith("http://") else uri
        super().__init__(method, secure, headers=headers if headers is not None else {})
        self.uri = uri
        self.payload = Payload(params)
        self.client_address = client_address

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data


@dataclass(frozen=True)
class OAuthAnswer:
    """What an endpoint answers: status, a JSON body (a dict) or none, and headers."""

    status: int
    body: dict | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def location(self) -> str | None:
        return next((value for name, value in self.headers if name.lower() == "location"), None)


STATUS_OF = {"invalid_client": 401, "invalid_token": 401, "insufficient_scope": 403}  # RFC 6749 §5.2, RFC 6750 §3.1


def as_oauth_error(error: ZorgidError, *, redirect_uri: str | None = None, state: str | None = None) -> OAuth2Error:
    """``error`` as Authlib's error: its OAuth error code, ``error_description`` with the ZID code, its status."""
    kind = oauth_error_of(error)
    status = STATUS_OF.get(kind, 400)
    result = OAuth2Error(description=describe(error), status_code=status, state=state, redirect_uri=redirect_uri,
                         error=kind)
    result.zorgid_error = error
    return result
