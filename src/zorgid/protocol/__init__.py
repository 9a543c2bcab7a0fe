"""What the server and its clients must agree on: QR payloads, signed messages, errors.

This package imports no web framework and nothing else of the server, so that the client programs
(``zorgid.clients``) can use it while talking to the server only over HTTP (DESIGN.md).
"""
