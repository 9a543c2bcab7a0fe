"""What the identities domain tells the layers above it, without knowing them (docs/architecture.md).

``sessions_ended`` is sent inside the transaction that ends them, with ``person``, ``mobile_id`` (the one revoked,
or None: all of the person's), ``smartcard`` (the ZORG-ID Smartcard revoked: only the sessions made with it),
``reason`` (``"blocked"``, ``"revoked"``, ``"removed"``) and ``organisation`` (the one he no longer holds a role in:
only his sessions for it end; None: those for every organisation). The OpenID Connect provider ends the person's
sessions at healthcare applications and tells each application (back-channel logout).
"""

from django.dispatch import Signal

sessions_ended = Signal()  # keywords: person, mobile_id, smartcard, reason, organisation (None: all)
