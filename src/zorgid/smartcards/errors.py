"""Errors of the smartcard use cases (R-ERR): each with its code, cause and solution (listed at /foutmeldingen)."""

from zorgid.protocol.errors import ZorgidError  # noqa: F401

# --- making a smartcard (making.py) ---

# --- logging in with a smartcard (login.py) ---
