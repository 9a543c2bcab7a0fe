"""Debian's nginx as the reverse proxy in front of several ``zorgid serve``, run as an ordinary process with its own
configuration in a temporary directory (no root, no system configuration): round robin, retries as
docs/deployment.md sets them. Used by bench/instances.py and tests/e2e/test_instances_behind_nginx.py.
"""

from __future__ import annotations

import shutil
import signal
import ssl
import subprocess
import time
from pathlib import Path

import httpx

NGINX = "/usr/sbin/nginx"

# One line per request: which upstream(s) answered it, what they and nginx answered, and the X-Login header a
# bench or test sets to tie a request to its login. The path is left out: some carry secrets (docs/security.md).
LOG_FORMAT = "$msec $request_method $status $upstream_addr $upstream_status $http_x_login"

CONFIG = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    log_format upstreams '{log_format}';
    access_log {dir}/access.log upstreams;

    upstream zorgid {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port}{ssl};
{tls}        location / {{
            proxy_pass http://zorgid;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 70s;
            # on to the next instance when one cannot be reached or breaks off; never a POST that it may have
            # begun to handle (nginx's default: no non_idempotent)
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_max_temp_file_size 0;
        }}
    }}
}}
"""


def available() -> bool:
    return Path(NGINX).is_file()


class Nginx:
    """nginx on 127.0.0.1:``port`` in front of ``upstreams`` (host:port), its files in ``directory``."""

    def __init__(self, directory: Path, port: int, upstreams: list[str], *, paths: bool = False,
                 tls: tuple[Path, Path] | None = None) -> None:
        """``paths``: the access log names each request's path too (tests only: some paths carry secrets).
        ``tls``: (certificate, key) files; nginx then ends TLS as docs/deployment.md's configuration does, at
        https://localhost:``port`` (see :func:`self_signed`)."""
        self.directory, self.port = directory, port
        self.url = f"https://localhost:{port}" if tls else f"http://127.0.0.1:{port}"
        self.certificate = tls[0] if tls else None
        directory.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server {upstream} max_fails=1 fail_timeout=5s;" for upstream in upstreams)
        user = "user root root;\n" if _root() else ""  # as root its workers would be nobody, shut out of directory
        self.config = directory / "nginx.conf"
        tls_lines = "" if tls is None else (
            f"        ssl_certificate {tls[0]};\n        ssl_certificate_key {tls[1]};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;\n")
        self.config.write_text(user + CONFIG.format(dir=directory, servers=servers, port=port,
                                                    ssl=" ssl" if tls else "", tls=tls_lines,
                                                    log_format=LOG_FORMAT + (" $uri" if paths else "")))
        self.paths = paths
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        checked = subprocess.run([NGINX, "-t", "-p", str(self.directory), "-c", str(self.config)],
                                 capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{checked.stderr}")
        self.process = subprocess.Popen([NGINX, "-p", str(self.directory), "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/foutmeldingen", timeout=5, verify=self.tls_context())
                return
            except httpx.TransportError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start:\n{self.error_log()}")

    def tls_context(self) -> ssl.SSLContext:
        """What a client trusts to talk to this nginx: its self-signed certificate (or the system's CAs)."""
        return ssl.create_default_context(cafile=str(self.certificate) if self.certificate else None)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finishes the requests under way
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no error log)"

    def access_log(self) -> list[dict]:
        """The requests so far: at, method, status (nginx's answer), upstreams (each one tried, in order),
        upstream_statuses, login (the X-Login header, or "-"), path (with ``paths``)."""
        path = self.directory / "access.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        entries = []
        for line in lines:
            at, method, status, rest = line.split(" ", 3)
            uri = ""
            if self.paths:
                rest, uri = rest.rsplit(" ", 1)
            rest, login = rest.rsplit(" ", 1)
            # "$upstream_addr $upstream_status": lists as "a, b" and "502, 200" when nginx tried more than one
            addrs, statuses = _split_upstreams(rest)
            entries.append({"at": float(at), "method": method, "status": int(status), "upstreams": addrs,
                            "upstream_statuses": statuses, "login": login, "path": uri})
        return entries


def _split_upstreams(text: str) -> tuple[list[str], list[str]]:
    parts = text.split(" ")
    addrs = [part.rstrip(",") for part in parts if ":" in part]
    statuses = [part.rstrip(",") for part in parts if ":" not in part]
    return addrs, statuses


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and its key, made as docs/deployment.md ("Trying it on one machine")
    makes them: with openssl, EC P-256."""
    certificate, key = directory / "fullchain.pem", directory / "privkey.pem"
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "30", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True, timeout=60)
    return certificate, key


def _root() -> bool:
    import os

    return os.geteuid() == 0


def remove(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
