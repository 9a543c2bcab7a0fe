"""Refusals of /metrics (docs/security.md, "Health and metrics")."""

from zorgid.protocol.errors import ZorgidError


class MetricsRefused(ZorgidError):
    code = "ZID-METRICS-REFUSED"
    status = 403
    cause_nl = ("De metrieken van deze server zijn alleen te lezen met het ingestelde token of vanaf de ingestelde "
                "netwerken.")
    cause_en = "This server's metrics can be read only with the configured token or from the configured networks."
    solution_nl = ("Stuur de kop 'Authorization: Bearer <ZORGID_METRICS_TOKEN>' mee, of lees de metrieken vanaf een "
                   "adres in ZORGID_METRICS_NETWORKS.")
    solution_en = ("Send the header 'Authorization: Bearer <ZORGID_METRICS_TOKEN>', or read the metrics from an "
                   "address in ZORGID_METRICS_NETWORKS.")
