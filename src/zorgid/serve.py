"""Serving the WSGI app with gunicorn: gthread workers with persistent database connections.

Threads let a waiting portal page hold a request open until the app approves (flows.services); measured on
this kind of machine, sync/gthread gunicorn serves logins several times faster than an ASGI server.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from zorgid.wsgi import application

        return application


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    _Server({
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 15,  # browsers and apps reuse connections; shorter closes race with their next request
        "accesslog": "-",
        "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
        "limit_request_line": 4094,
        "limit_request_fields": 60,
    }).run()
