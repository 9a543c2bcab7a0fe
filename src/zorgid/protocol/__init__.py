"""What the server and its clients must agree on: QR payloads, the API's requests and answers, signed messages,
errors, and how every command line speaks Dutch (dutch_terminal).

This package imports no web framework and nothing else of the server, so that the client programs
(``zorgid.clients``) can use it while talking to the server only over HTTP (docs/architecture.md).
"""
