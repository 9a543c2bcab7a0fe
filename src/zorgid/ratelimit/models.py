"""One counter per (key, window): how many requests a client made in one fixed time window."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    key = models.CharField(max_length=128)  # e.g. "ip:192.0.2.7:activation"; longer keys are hashed
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)  # the window's end: purged after it
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_counter_key_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"
