"""Time-bound flows: login (5 minutes) now; activation and card sessions follow (DESIGN.md)."""
