"""What the OpenID Connect provider keeps: one-time codes, access tokens, and a person's session at an application.

Secrets (codes, access tokens) are kept as their hash (``hashing.token_hash``), never as themselves.
A login at an application (a completed LoginFlow with its ``application``) gives one authorization code, at most
once; the code gives the tokens, at most once; an :class:`AppSession` says that the person is logged in at that
application until it logs him out, or until a block or revoke ends it (back-channel logout: :class:`LogoutDelivery`).
"""

from __future__ import annotations

from django.db import models

from zorgid import clock
from zorgid.care_apps.models import CareApplication
from zorgid.flows.models import LoginFlow
from zorgid.identities.models import MobileId, MobileIdStatus, Person, Smartcard, SmartcardStatus, new_public_id
from zorgid.organisations.models import Organisation


class AppSession(models.Model):
    """A person logged in at an application (its ``sid`` is in the ID token and the logout token)."""

    sid = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    application = models.ForeignKey(CareApplication, on_delete=models.CASCADE, related_name="sessions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="app_sessions")
    mobile_id = models.ForeignKey(MobileId, null=True, blank=True, on_delete=models.SET_NULL)
    # a login with a ZORG-ID Smartcard (amr "smartcard", no Mobile ID): it holds while that card is active
    smartcard = models.ForeignKey(Smartcard, null=True, blank=True, on_delete=models.SET_NULL)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    subject = models.CharField(max_length=64)  # the pairwise sub this application knows the person by
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)
    end_reason = models.CharField(max_length=32, blank=True)  # logout, blocked, revoked, ...

    def __str__(self) -> str:
        return f"sessie {self.sid} bij {self.application_id}"

    def means_hold(self) -> bool:
        """The means of this login still holds: the ZORG-ID Smartcard (active, within its validity) or the Mobile ID
        (active). Ended, blocked and the organisation are checked by the callers."""
        if self.smartcard_id is not None:
            return self.smartcard.status == SmartcardStatus.ACTIVE and self.smartcard.not_after > clock.now()
        return self.mobile_id is not None and self.mobile_id.status == MobileIdStatus.ACTIVE


class AuthorizationCode(models.Model):
    """The one-time code of one login at an application (≤ 60 s, once; docs/security.md)."""

    code_hash = models.CharField(primary_key=True, max_length=64)
    flow = models.OneToOneField(LoginFlow, on_delete=models.CASCADE, related_name="authorization_code")
    application = models.ForeignKey(CareApplication, on_delete=models.CASCADE)
    session = models.ForeignKey(AppSession, on_delete=models.CASCADE)
    redirect_uri = models.CharField(max_length=500)
    scope = models.CharField(max_length=200)
    nonce = models.CharField(max_length=255, blank=True)
    code_challenge = models.CharField(max_length=128)
    auth_time = models.DateTimeField()
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code voor {self.application_id} ({self.issued_at:%H:%M:%S})"

    # what Authlib's authorization code grant and its OpenID Connect extension read of a code (oidc/server.py)
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_acr(self) -> None:  # acr and amr are claims of every login (oidc/claims.py)
        return None

    def get_amr(self) -> None:
        return None


class AccessToken(models.Model):
    """A bearer token for the userinfo endpoint, short-lived (docs/security.md)."""

    token_hash = models.CharField(primary_key=True, max_length=64)
    session = models.ForeignKey(AppSession, on_delete=models.CASCADE, related_name="access_tokens")
    scope = models.CharField(max_length=200)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"toegangstoken van sessie {self.session_id}"


class UsedAssertion(models.Model):
    """A client assertion (RFC 7523) that was accepted once: its ``jti`` is kept until its ``exp`` (no replay)."""

    key_hash = models.CharField(primary_key=True, max_length=64)  # token_hash of "<client_id> <jti>"
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"gebruikte client_assertion (tot {self.expires_at:%H:%M:%S})"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Nog te bezorgen"
    DELIVERED = "delivered", "Bezorgd"
    FAILED = "failed", "Opgegeven"


class LogoutDelivery(models.Model):
    """A back-channel logout token to POST to the application when a session ended other than by its own logout."""

    session = models.OneToOneField(AppSession, on_delete=models.CASCADE, related_name="logout_delivery")
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"uitlogbericht voor sessie {self.session_id} ({self.state})"
