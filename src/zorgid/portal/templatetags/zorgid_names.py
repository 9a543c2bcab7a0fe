"""Names instead of codes and ids on the pages (administration.display_names): ``{% load zorgid_names %}``.

    {{ mobile_id.activated_at|mobile_id_name }}   Mobile ID van 12-03-2026
    {{ mobile_id.activated_at|mobile_id_name:mobile_id.device_name }}   … , toestel “iPhone van Jan”
    {{ mobile_id.id|short_id }}                   a1b2c3d4 (a secondary mark only)
    {{ card.card_type|card_type_name }}           Zorgverlenerpas (Z)
    {{ card.role|role_name }}                     Arts – huisarts (01.015)
    {% described_events events as rows %}        audit events with their labels and names
"""

from __future__ import annotations

from django import template

from zorgid.administration import audit_log, display_names

register = template.Library()

register.filter("mobile_id_name", display_names.mobile_id_name)
register.filter("short_id", display_names.short_id)
register.filter("card_type_name", display_names.card_type_name)
register.filter("role_name", display_names.role_display)


@register.simple_tag
def described_events(events) -> list[audit_log.Described]:
    """Audit events as people read them: label, who and with whom by name (one query per kind of name)."""
    return audit_log.described(events)


@register.simple_tag
def mobile_ids_named(ids) -> list[display_names.Party]:
    """Mobile IDs known by their ids, each as "Mobile ID van 12-03-2026 (Jan Jansen)" with its short mark."""
    references = [f"mobile_id:{value}" for value in ids]
    names = display_names.Names(references)
    return [names.of(reference) for reference in references]


@register.simple_tag
def with_actors(rows) -> list[tuple]:
    """Each row (a history row with ``actor``, or a tuple that starts with one) with its actor by name:
    ``{% with_actors events as named %}{% for event, actor in named %}…{{ actor }}``."""
    rows = list(rows)
    actors = [(row[0] if isinstance(row, tuple) else row).actor for row in rows]
    names = display_names.Names(actors)
    return [(row, names.of(actor)) for row, actor in zip(rows, actors, strict=True)]
