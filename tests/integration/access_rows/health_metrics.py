"""Access-matrix rows of the health checks and the metrics (portal/health_views.py): public for every role.

The table runs in acceptatie, where /metrics is open; in productie /metrics takes a token or a network, else 403
ZID-METRICS-REFUSED, or 404 ZID-NOT-FOUND when neither is configured (tests/integration/portal/
test_metrics_access.py). The health checks are public in both.
"""

ROWS: dict = {
    "health-live": ("get", "/health/live", "public", None, (200, None)),
    "health-ready": ("get", "/health/ready", "public", None, (200, None)),
    "metrics": ("get", "/metrics", "public", None, (200, None)),
}


def values(*, linde, oost, bram, people) -> dict:
    return {}
