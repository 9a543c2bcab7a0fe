"""The server's backup and restore (``zorgid backup``, ``zorgid restore``) and its productie check (``zorgid check``).

What a backup holds and how to keep it: docs/security.md, "Backup of the server". The parts: the database (SQLite:
a consistent copy through sqlite3's online backup; PostgreSQL: ``pg_dump --format=custom``), every file of
ZORGID_HOME the server needs (``contents.py`` names what is left out) and the audit anchor, with a manifest of
versions, sizes and SHA-256; the whole sealed with a passphrase or to a public key (``envelope.py``).
"""
