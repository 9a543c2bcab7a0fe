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


def options(*, host: str, port: int, workers: int, threads: int) -> dict:
    """gunicorn's settings. No access log of its own: its request line would write the secrets some addresses
    carry (activation codes, follow-up and status links) to the log; zorgid.portal.access_log logs the route."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 15,  # browsers and apps reuse connections; shorter closes race with their next request
        "accesslog": None,
        "limit_request_line": 4094,
        "limit_request_fields": 60,
    }


def server(**kwargs) -> _Server:
    return _Server(options(**kwargs))


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    server(host=host, port=port, workers=workers, threads=threads).run()
