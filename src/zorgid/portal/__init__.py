"""The portal's pages: login by QR, the overview, the public list of error codes (Dutch first)."""
