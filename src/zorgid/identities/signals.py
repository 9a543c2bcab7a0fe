"""What the identities domain tells the layers above it, without knowing them (docs/architecture.md).

``sessions_ended`` is sent with ``person``, ``mobile_id`` (the one revoked, or None: all of the person's) and
``reason`` (``"blocked"``, ``"revoked"``) inside the transaction that ends them: the OpenID Connect provider ends
the person's sessions at healthcare applications and tells each application (back-channel logout).
"""

from django.dispatch import Signal

sessions_ended = Signal()  # keywords: person, mobile_id, reason
