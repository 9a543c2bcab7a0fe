"""The console log handler: it writes to the ``sys.stderr`` of the moment, not to the one it was made with.

Django configures logging once per ``django.setup()``; a command run inside another program (the tests run
``zorgid`` commands in-process) sets it up with a temporary stderr that is closed afterwards, and a handler that
kept that stream would fail on every later line (the access log writes one per request, zorgid.portal.access_log).
"""

from __future__ import annotations

import logging
import sys


class CurrentStderrHandler(logging.StreamHandler):
    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler sets it; the property always answers the current stderr
        pass
