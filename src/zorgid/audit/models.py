"""The audit log: one row per event, each chained to the one before by a SHA-256 hash."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    event = models.CharField(max_length=64)
    actor = models.CharField(max_length=128)
    subject = models.CharField(max_length=128, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    organisation = models.CharField(max_length=8, blank=True, db_index=True)  # URA, for the organisation's viewer
    details = models.TextField(default="{}")  # canonical JSON, so the hash can be recomputed exactly
    # the request that recorded it, if any
    request_id = models.CharField(max_length=64, blank=True, default="", db_default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["event", "at"]),
                   models.Index(fields=["request_id"], name="audit_event_request_id")]  # the viewers' filter

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.actor} → {self.subject}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not kwargs.pop("_append", False):
            raise PermissionError("audit events are appended through zorgid.audit.services.record only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")
