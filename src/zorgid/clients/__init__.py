"""The client programs of zorgid (docs/architecture.md).

Each client is a program of its own that speaks to the server only over HTTP and imports nothing of the
server but ``zorgid.protocol``, so that it can be shipped, replaced or audited on its own.
"""
