"""Every time-bound flow a browser page waits on is a stored object with an id, a state and an expiry timestamp.

:class:`Flow` holds what they share: the id, the browser it is bound to, the requester, when it was issued
and when it expires, its state and the one expiry rule. A login flow (login_flow.mermaid) and a card session
(card_flow.mermaid) are its subclasses, each with its own table. Expiry is a timestamp, not a state: an
expired flow is never revived; the portal starts a new one. Only the services in ``zorgid.flows`` change
``state``, each with one conditional UPDATE (:meth:`Flow.move`), so two racing requests cannot both win.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import ClassVar, Self

from django.conf import settings
from django.db import connection, models

from zorgid import clock
from zorgid.hashing import token_hash
from zorgid.identities.models import MobileId, new_public_id
from zorgid.protocol.errors import ZorgidError

from .errors import (
    CardFlowExpired,
    CardFlowNotYours,
    CardFlowUnknown,
    CardFlowUsed,
    LoginFlowExpired,
    LoginFlowNotYours,
    LoginFlowReplaced,
    LoginFlowUnknown,
    LoginFlowUsed,
)
from .waiting import CHANNEL

PENDING = "pending"  # every flow starts here and waits for its other side (the app, the Desktop App)
MAX_ID_CHARS = 64  # longer ids are not looked up


class Flow(models.Model):
    """What every flow has. Subclasses set ``state`` (with their choices), the errors and the lifetime setting."""

    # the errors of this kind of flow: not found, past its time, already used, another browser's
    Unknown: ClassVar[type[ZorgidError]]
    Expired: ClassVar[type[ZorgidError]]
    Used: ClassVar[type[ZorgidError]]
    NotYours: ClassVar[type[ZorgidError]]
    lifetime_setting: ClassVar[str]  # the setting with its lifetime in seconds
    # SQL that finds a newer flow of the same browser that replaces this one ({table}: this flow's table), or ""
    newer_of_browser: ClassVar[str] = ""

    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    browser_binding = models.CharField(max_length=64)  # token_hash of the secret kept in the browser session
    origin = models.CharField(max_length=200)
    requester_name = models.CharField(max_length=128)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=16, default=PENDING)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def begin(cls, *, browser_secret: str, **fields: object) -> Self:
        """A new flow, bound to the browser that asked, valid for its lifetime from now."""
        now = clock.now()
        return cls.objects.create(
            browser_binding=token_hash(browser_secret), issued_at=now,
            expires_at=now + dt.timedelta(seconds=getattr(settings, cls.lifetime_setting)), **fields,
        )

    @classmethod
    def find(cls, flow_id: object) -> Self:
        """The flow with this id; every request of a login reads it, so by its key in plain SQL (docs/architecture.md,
        "The login's hot path"): no query to compile. A kind of flow with ``newer_of_browser`` also learns in the same
        query whether its browser has started a newer one of the same kind since (``replaced``)."""
        flow = None
        if isinstance(flow_id, str) and len(flow_id) <= MAX_ID_CHARS:
            table = connection.ops.quote_name(cls._meta.db_table)
            replaced = f", EXISTS ({cls.newer_of_browser.format(table=table)}) AS replaced" if cls.newer_of_browser \
                else ""
            query = f"SELECT {table}.*{replaced} FROM {table} WHERE {table}.id = %s"  # noqa: S608
            flow = next(iter(cls.objects.raw(query, [flow_id])), None)
        if flow is None:
            raise cls.Unknown()
        return flow

    def is_expired(self, now: dt.datetime) -> bool:
        """The one expiry rule: from ``expires_at`` on, a flow is past its time (:meth:`move` checks the same)."""
        return now >= self.expires_at

    def pending(self) -> bool:
        """Still waiting for its other side (the app, the Desktop App)."""
        return self.state == PENDING

    def valid(self, now: dt.datetime) -> bool:
        """Still waiting for its other side, and within its time."""
        return self.pending() and not self.is_expired(now)

    def check_answerable(self, now: dt.datetime) -> Self:
        """This flow, if its other side may still answer it; else why not."""
        if not self.pending():
            raise self.Used()
        if self.is_expired(now):
            raise self.Expired()
        return self

    def check_browser(self, browser_secret: str) -> Self:
        """This flow, if it was started by the browser that holds ``browser_secret``."""
        if not browser_secret or not hmac.compare_digest(self.browser_binding, token_hash(browser_secret)):
            raise self.NotYours()
        return self

    def move(self, source: str, target: str, now: dt.datetime, *, notify: bool = False, latest: bool = False,
             **values: object) -> bool:
        """From state ``source`` to ``target`` within the flow's time, in one conditional UPDATE: True if it won.

        Call it inside the transaction that records the change; it does not change this object. ``values`` are
        fields set with it (a model instance for a foreign key). With ``notify``, a won move also wakes the pages
        waiting on this flow when the transaction commits (waiting.notify), in the same statement on PostgreSQL. With
        ``latest``, only while its browser has started no newer flow that replaces it (``newer_of_browser``).
        Plain SQL (docs/architecture.md, "The login's hot path"), each value prepared for the database by its field
        as the ORM would.
        """
        meta, q = self._meta, connection.ops.quote_name
        fields = [meta.get_field(name) for name in ("state", *values)]
        prepared = [field.get_db_prep_save(getattr(value, "pk", value), connection)
                    for field, value in zip(fields, (target, *values.values()), strict=True)]
        assignments = ", ".join(f"{q(field.column)} = %s" for field in fields)
        expires_at = meta.get_field("expires_at").get_db_prep_value(now, connection)
        table = q(meta.db_table)
        update = (f"UPDATE {table} SET {assignments} "  # noqa: S608
                  f"WHERE id = %s AND state = %s AND {q('expires_at')} > %s")
        if latest and self.newer_of_browser:
            update += f" AND NOT EXISTS ({self.newer_of_browser.format(table=table)})"
        params = [*prepared, self.id, source, expires_at]
        if notify and connection.vendor == "postgresql":
            update = f"WITH moved AS ({update} RETURNING id) SELECT pg_notify(%s, id) FROM moved"  # noqa: S608
            params.append(CHANNEL)
        with connection.cursor() as cursor:
            cursor.execute(update, params)
            return cursor.rowcount == 1

    def reload(self) -> None:
        """Read the flow again (after a wait); a flow purged meanwhile is unknown."""
        try:
            self.refresh_from_db()
        except type(self).DoesNotExist as exc:
            raise self.Unknown() from exc


class LoginFlowState(models.TextChoices):
    PENDING = PENDING, "Wacht op de app"
    APPROVED = "approved", "Geaccepteerd in de app"
    COMPLETED = "completed", "Ingelogd"


class LoginFlow(Flow):
    """A login with the ZORG-ID app (R-FLOW-LOGIN), valid 5 minutes; see login_flow.mermaid."""

    Unknown, Expired, Used, NotYours = LoginFlowUnknown, LoginFlowExpired, LoginFlowUsed, LoginFlowNotYours
    lifetime_setting = "ZORGID_LOGIN_FLOW_SECONDS"  # R-CONST-LOGIN
    # A page loaded again shows a new QR code and waits for that one only: the older flow of the same browser (at
    # the portal, or at the same healthcare application) can no longer log anyone in, so the app is told so
    # (LoginFlowReplaced) instead of "Ingelogd" for a login no browser completes.
    newer_of_browser = (
        "SELECT 1 FROM {table} newer WHERE newer.browser_binding = {table}.browser_binding "
        "AND newer.issued_at > {table}.issued_at AND (newer.application_id = {table}.application_id "
        "OR (newer.application_id IS NULL AND {table}.application_id IS NULL))"
    )

    nonce = models.CharField(max_length=32, default=new_public_id, editable=False)
    state = models.CharField(max_length=16, choices=LoginFlowState.choices, default=LoginFlowState.PENDING)
    mobile_id = models.ForeignKey(MobileId, null=True, blank=True, on_delete=models.PROTECT)
    approved_at = models.DateTimeField(null=True, blank=True)
    # a login at a healthcare application (zorgid.oidc) rather than at the portal: the application that asks, and
    # its checked authorization request (redirect_uri, state, nonce, code_challenge, scope, ura, version)
    application = models.ForeignKey("care_apps.CareApplication", null=True, blank=True, on_delete=models.CASCADE)
    authorization = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["browser_binding", "issued_at"], name="flows_login_browser_issued")]

    def __str__(self) -> str:
        return f"login flow {self.id} ({self.state})"

    def check_answerable(self, now: dt.datetime) -> Self:
        """This flow, if the app may still approve it: pending, within its time, and not replaced by a newer one."""
        super().check_answerable(now)
        if getattr(self, "replaced", False):
            raise LoginFlowReplaced()
        return self

    def replaced_now(self) -> bool:
        """Whether its browser has started a newer flow that replaces it (after a refused move: why it was refused),
        read again as :meth:`find` reads it."""
        try:
            return bool(getattr(type(self).find(self.id), "replaced", False))
        except self.Unknown:
            return False


class CardFlowPurpose(models.TextChoices):
    """What a card session is for (the value is signed by the Desktop App: see protocol.messages)."""

    SELF_REGISTRATION = "self-registration", "Registreren met uw UZI-pas"
    ORGANISATION_VALIDATION = "organisation-validation", "Uw organisatie valideren met uw UZI-pas"
    ATTRIBUTES = "attributes", "De UZI-attributen van uw UZI-pas koppelen aan uw ID"
    SMARTCARD = "smartcard", "Met uw UZI-pas een ZORG-ID Smartcard aanmaken"
    SMARTCARD_LOGIN = "smartcard-login", "Inloggen met uw ZORG-ID Smartcard"


class CardFlowState(models.TextChoices):
    PENDING = PENDING, "Wacht op de Desktop App"
    ANSWERED = "answered", "UZI-pas gelezen"
    REFUSED = "refused", "UZI-pas geweigerd"
    DECLINED = "declined", "Nee in de Desktop App"
    COMPLETED = "completed", "Afgerond"


class CardFlow(Flow):
    """A card session (docs/architecture.md): the portal's challenge, answered once by the Desktop App with a UZI-pas.

    Valid 5 minutes and bound to the browser session; see card_flow.mermaid.
    """

    Unknown, Expired, Used, NotYours = CardFlowUnknown, CardFlowExpired, CardFlowUsed, CardFlowNotYours
    lifetime_setting = "ZORGID_CARD_FLOW_SECONDS"

    challenge = models.CharField(max_length=64, default=new_public_id, editable=False)
    purpose = models.CharField(max_length=32, choices=CardFlowPurpose.choices)
    person = models.ForeignKey("identities.Person", null=True, blank=True, on_delete=models.CASCADE)
    state = models.CharField(max_length=16, choices=CardFlowState.choices, default=CardFlowState.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    certificate_pem = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)  # the verified UZI attributes
    error_code = models.CharField(max_length=64, blank=True)  # why a verified card was refused
    # what the purpose's pages gathered on the way (a chosen birth date, the outcome for the last page): kept on
    # this browser's session row, not in the Django session (cards.remember)
    page_state = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"card flow {self.id} ({self.purpose}, {self.state})"
