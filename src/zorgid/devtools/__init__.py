"""Developer tools of the server side: a test UZI CA and SoftHSM2 tokens that look like a UZI-pas.

Development and tests need UZI-passen without the UZI register. Everything here makes
test material only; its certificates carry the UZI register's *test* OIDs and a CA of our own, so no
production trust store ever accepts them. Nothing here imports Django: the tools run on a developer's
machine or in a test's subprocess without a configured server.
"""
