"""Append-only, hash-chained log of every security-relevant action (R-SEC-AUDIT)."""
