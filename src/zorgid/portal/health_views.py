"""/health/live, /health/ready and /metrics: for the load balancer and the monitoring, not for people.

Health: public, JSON, no session, no audit event, no request limit (portal/middleware.py); /health/live answers
200 while the process runs, without the database; /health/ready 200 or 503 with each check (portal/health.py).
/metrics: the Prometheus text format (zorgid.metrics), protected in productie (portal/metrics_access.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from prometheus_client.core import GaugeMetricFamily

from zorgid import metrics
from zorgid.protocol.errors import ZorgidError

from . import health, metrics_access


@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": health.OK})


@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    answer = health.readiness()
    return JsonResponse({"status": health.OK if answer.ready else health.FAIL, "checks": answer.checks},
                        status=200 if answer.ready else 503)


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    try:
        metrics_access.check(request)
    except ZorgidError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return HttpResponse(metrics.exposition([MailQueue()]), content_type=metrics.CONTENT_TYPE)


class MailQueue:
    """The outbox's mails waiting to be sent, counted at scrape time (one indexed count)."""

    def collect(self):
        from zorgid.outbox.models import MailState, OutgoingMail

        gauge = GaugeMetricFamily("zorgid_mail_queue_length", "Mails in the outbox waiting to be sent (queued).")
        gauge.add_metric([], OutgoingMail.objects.filter(state=MailState.QUEUED).count())
        yield gauge
