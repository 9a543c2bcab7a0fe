"""An organisation as the operator entered it: name, URA (UZI-register abonneenummer) and KvK number."""

from __future__ import annotations

from django.db import models


class Organisation(models.Model):
    ura = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=200)
    kvk = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=128)
    validated_at = models.DateTimeField(null=True, blank=True)  # R-FLOW-UZIORG: first ADM appointed

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (URA {self.ura})"
