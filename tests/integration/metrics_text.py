"""Reading /metrics as a scraper does (prometheus_client's own parser of the text format)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of the exposition: (name, its labels) → value."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    """The sample ``name`` with exactly these labels; 0 when it has not been counted yet."""
    return found.get((name, frozenset(labels.items())), 0.0)
