"""The OpenAPI schema's shapes, derived from the protocol's bodies (zorgid.protocol.bodies), never written twice.

The views read requests and build answers with the bodies themselves; these serializers only describe them
to drf-spectacular, field by field, with the same bounds.
"""

from __future__ import annotations

import functools

from rest_framework import serializers

from zorgid.protocol import bodies
from zorgid.protocol.bodies import Body, Wire, base64_chars


def _field(spec: Wire) -> serializers.Field:
    common = {"help_text": spec.help or None, "required": not spec.optional}
    if spec.kind == "text":
        if spec.choices:
            return serializers.ChoiceField(choices=spec.choices, **common)
        if spec.pattern is not None:
            return serializers.RegexField(spec.pattern, min_length=1, max_length=spec.max_length, **common)
        return serializers.CharField(min_length=1, max_length=spec.max_length, **common)
    if spec.kind == "integer":
        return serializers.IntegerField(min_value=spec.minimum, max_value=spec.maximum, **common)
    if spec.kind == "boolean":
        return serializers.BooleanField(**common)
    if spec.kind == "bytes":
        size = f"{spec.max_length} bytes" if spec.exact else f"at most {spec.max_length} bytes"
        help_text = f"{spec.help}; base64url, {size}" if spec.help else f"base64url, {size}"
        return serializers.RegexField(bodies.BASE64URL, max_length=base64_chars(spec.max_length),
                                      min_length=base64_chars(spec.max_length) if spec.exact else 1,
                                      help_text=help_text, required=not spec.optional)
    if spec.kind == "moment":
        return serializers.DateTimeField(allow_null=spec.nullable, **common)
    if spec.kind == "texts":
        return serializers.ListField(child=serializers.CharField(min_length=1, max_length=spec.item_length),
                                     max_length=spec.max_length, **common)
    if spec.kind == "object":
        return serializer(spec.body)(allow_null=spec.nullable, **common)
    if spec.kind == "objects":
        return serializer(spec.body)(many=True, max_length=spec.max_length, **common)
    raise ValueError(f"no OpenAPI shape for {spec.kind}")


@functools.cache
def serializer(body: type[Body]) -> type[serializers.Serializer]:
    """The body's shape as a serializer class of the same name (its component in the schema)."""
    fields: dict[str, serializers.Field] = {}
    if body.version is not None:
        fields["v"] = serializers.IntegerField(min_value=body.version, max_value=body.version,
                                               help_text="the protocol's version")
    for name, spec in body.wire_fields():
        fields[name] = _field(spec)
    written = body.__doc__ if body.__doc__ and not body.__doc__.startswith(f"{body.__name__}(") else None
    return type(body.__name__, (serializers.Serializer,), {**fields, "__doc__": written, "__module__": __name__})
