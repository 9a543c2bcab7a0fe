"""Serving the WSGI app with gunicorn: gthread workers with persistent database connections.

Threads let a waiting portal page hold a request open until the app approves (flows.services); measured on
this kind of machine, sync/gthread gunicorn serves logins several times faster than an ASGI server.
"""

from __future__ import annotations

import os
from pathlib import Path

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


def instance_dir(host: str, port: int, explicit: Path | None = None) -> Path:
    """This instance's own directory for gunicorn's files (docs/deployment.md, "Several instances"): ``explicit``
    (``--instance-dir``), else ZORGID_INSTANCE_DIR, else ZORGID_HOME/run/<host>-<port>. Instances sharing one
    ZORGID_HOME on one machine listen on different addresses, so they never share this directory."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get("ZORGID_INSTANCE_DIR"):
        return Path(os.environ["ZORGID_INSTANCE_DIR"])
    from django.conf import settings

    return Path(settings.ZORGID_HOME) / "run" / f"{host}-{port}"


def instance_files(directory: Path) -> dict:
    """gunicorn's per-instance files in ``directory`` (made, owner only): its control socket, its pid file and
    the workers' heartbeat files. Without them every instance would use the one $XDG_RUNTIME_DIR/gunicorn.ctl or
    ~/.gunicorn/gunicorn.ctl, and stopping one instance would remove the other's socket."""
    heartbeats = directory / "tmp"
    heartbeats.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    return {"control_socket": str(directory / "gunicorn.ctl"), "pidfile": str(directory / "gunicorn.pid"),
            "worker_tmp_dir": str(heartbeats)}


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
        "logger_class": "zorgid.log_handlers.GunicornLogger",  # its own lines as zorgid's: JSON on stdout
        "limit_request_line": 4094,
        "limit_request_fields": 60,
    }


def server(*, directory: Path, **kwargs) -> _Server:
    return _Server(options(**kwargs) | instance_files(directory) | multiprocess_metrics(directory))


def multiprocess_metrics(directory: Path) -> dict:
    """/metrics shows the instance, not one worker (zorgid.metrics): every worker writes its values to files in
    ``directory``/metrics, emptied here at the start (a file of an earlier run would count again); gunicorn's
    child_exit tells the library that a worker is gone."""
    from zorgid import metrics

    folder = directory / "metrics"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.glob("*.db"):
        old.unlink()
    metrics.use_directory(str(folder))
    return {"child_exit": _worker_exited}


def _worker_exited(server, worker) -> None:
    from zorgid import metrics

    metrics.mark_worker_dead(worker.pid)


def run(*, host: str, port: int, workers: int, threads: int, directory: Path | None = None) -> None:
    server(host=host, port=port, workers=workers, threads=threads,
           directory=instance_dir(host, port, directory)).run()
