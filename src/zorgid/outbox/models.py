"""One outgoing e-mail: queued in the transaction that caused it, sent (or given up) by the worker.

The body and attachments may hold one-time links and activation QR codes: they are emptied as soon as the
mail is sent or given up, and the remaining row (addresses, subject, times) is purged after the retention
period (services.purge).
"""

from __future__ import annotations

from django.db import models


class MailState(models.TextChoices):
    QUEUED = "queued", "in de wachtrij"
    SENT = "sent", "verstuurd"
    FAILED = "failed", "opgegeven"


class OutgoingMail(models.Model):
    to = models.JSONField()  # list of addresses
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{"name", "mimetype", "content" (base64)}]
    state = models.CharField(max_length=8, choices=MailState.choices, default=MailState.QUEUED)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)  # the exception's kind and message, no secrets

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
                   models.Index(fields=["state", "sent_at"], name="outbox_sent")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.subject} ({self.state})"
