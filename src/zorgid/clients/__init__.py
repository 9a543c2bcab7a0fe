"""The client programs of zorgid (DESIGN.md).

Each client is a program of its own that speaks to the server only over HTTP and imports nothing of the
server but ``zorgid.protocol``, so that it can be shipped, replaced or audited on its own.
"""
