"""ZID-RATE-LIMIT carries the seconds to wait: in its detail, in Retry-After, and back in a client."""

from django.test import RequestFactory

from zorgid.api.errors import exception_handler
from zorgid.portal.middleware import ZorgidErrorMiddleware
from zorgid.protocol.errors import ZorgidError
from zorgid.ratelimit.errors import RateLimited


def test_a_client_rebuilds_the_error_with_its_seconds():
    again = ZorgidError.from_dict(RateLimited(retry_after=42).as_dict())
    assert isinstance(again, RateLimited) and again.retry_after == 42 and again.detail == "try again in 42 s"
    assert again.detail_in("nl") == "probeer het over 42 s opnieuw"


def test_the_api_answer_of_a_limit_raised_in_a_view_carries_retry_after():
    response = exception_handler(RateLimited(retry_after=42), {})
    assert response.status_code == 429 and response["Retry-After"] == "42"
    assert response.data["error"]["code"] == "ZID-RATE-LIMIT"


def test_the_error_page_of_a_limit_raised_in_a_view_carries_retry_after():
    request = RequestFactory().get("/aanvragen/nieuw")
    response = ZorgidErrorMiddleware(lambda r: None).process_exception(request, RateLimited(retry_after=7))
    assert response.status_code == 429 and response["Retry-After"] == "7"
    assert "ZID-RATE-LIMIT" in response.content.decode()
