"""Django's database sessions, made in one statement (measured in bench/login.py).

A new session key is 32 random characters from Django's own generator; the stock store first asks whether
the key exists and then inserts inside a transaction (four round trips). Here the INSERT alone makes it: a
clash, which cannot happen in practice, still fails safely as CreateError from the unique key.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import IntegrityError, router


class SessionStore(DatabaseSessionStore):
    def create(self) -> None:
        self._session_key = self._get_new_session_key()
        self.save(must_create=True)
        self.modified = True

    def _get_new_session_key(self) -> str:
        from django.utils.crypto import get_random_string

        return get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        try:
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError as exc:
            if must_create:
                raise CreateError from exc
            raise
