"""Outgoing e-mail through a table: written in the caller's transaction, sent by ``zorgid mail send``."""
