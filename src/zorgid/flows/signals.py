"""What the flows layer tells the use cases above it, without knowing them (docs/architecture.md).

``login_completed`` is sent with ``person_id`` (the person's id, not the person: no receiver needs more) when a
browser completes its login flow at the portal (not a login at a healthcare application: that is no login to the
portal), inside the transaction that completes it: a receiver's failure undoes the completion, and the page's next
status request tries again.
The applications use case listens: the administrator's first login completes the organisation's application.
"""

from django.dispatch import Signal

login_completed = Signal()  # keyword: person_id
