"""Benchmark: OCSP answers per second from zorgid served as in production (PostgreSQL, gunicorn gthread).

Sets up a fresh database and ZORGID_HOME, starts ``zorgid serve``, activates a few Mobile IDs (their certificates
are what is asked about), revokes one, then lets ``--concurrency`` clients each loop over ``POST /pki/ocsp``
(RFC 6960, a fresh nonce every time; ``--get`` for the GET form) and prints answers per second, latency and what
the server's workers took. Every answer is read back: successful, the right status, the nonce echoed.
Server, database and Mobile IDs come from bench/login.py: run it as a script, ``python bench/ocsp.py``.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from login import (
    Server,
    add_operator,
    add_server_options,
    background_cores,
    bench_environment,
    children,
    clean_up,
    cpu_snapshot,
    free_port,
    lift_client_limits,
    log,
    make_csr,
    migrate,
    ms_row,
    serve,
    zorgid_command,
)

from zorgid.protocol.bodies import ActivationRequest
from zorgid.protocol.messages import ACTIVATIONS_PATH


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve zorgid as in production and measure OCSP answers per "
                                                 "second (POST /pki/ocsp, or the GET form with --get).")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of measured load (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring (default 2)")
    parser.add_argument("--concurrency", type=int, default=16, help="clients, each looping over requests (16)")
    parser.add_argument("--certificates", type=int, default=4, help="Mobile IDs to ask about; one revoked (4)")
    parser.add_argument("--get", action="store_true", help="the GET form (RFC 6960 A.1) instead of POST")
    add_server_options(parser, threads=16)
    args = parser.parse_args(argv)
    if args.concurrency < 1 or args.certificates < 2 or args.duration <= 0 or args.warmup < 0 or args.workers < 1:
        parser.error("--concurrency and --workers ≥ 1, --certificates ≥ 2, --duration > 0, --warmup ≥ 0")
    return args


def make_certificates(zorgid: str, env: dict, home, base_url: str, count: int):
    """``count`` Mobile IDs activated over the API: their certificates and the issuing CA (from the chain)."""
    def one(index: int):
        payload = add_operator(zorgid, env, home, index)
        key = ec.generate_private_key(ec.SECP256R1())
        device_key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        body = ActivationRequest(code=payload.code, csr=make_csr(key), pin_proof=secrets.token_bytes(32),
                                 device_key=device_key)
        with httpx.Client(base_url=base_url, timeout=30.0) as client:
            answer = client.post(ACTIVATIONS_PATH, json=body.to_json())
        if answer.status_code != 201:
            raise RuntimeError(f"activation failed: HTTP {answer.status_code} {answer.text[:300]}")
        data = answer.json()
        return (data["mobile_id"], x509.load_pem_x509_certificate(data["certificate"].encode()),
                x509.load_pem_x509_certificate(data["chain"][0].encode()))

    with ThreadPoolExecutor(max_workers=min(4, count)) as pool:
        return list(pool.map(one, range(count)))


def revoke(env: dict, mobile_id: str) -> None:
    from login import django_snippet

    django_snippet(env, "import sys, django; django.setup()\n"
                        "from zorgid.identities.models import MobileId\n"
                        "from zorgid.identities.services import revoke_mobile_id\n"
                        "revoke_mobile_id(MobileId.objects.get(id=sys.argv[1]), actor='bench', reason='bench')\n",
                   mobile_id)


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def client_loop(base_url: str, targets: list, use_get: bool, measure_from: float, stop_at: float,
                tally: Tally) -> None:
    index = secrets.randbelow(len(targets))
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        while time.perf_counter() < stop_at:
            certificate, issuer, expected = targets[index % len(targets)]
            index += 1
            nonce = secrets.token_bytes(16)
            der = (ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA1())
                   .add_extension(x509.OCSPNonce(nonce), critical=False).build()
                   .public_bytes(serialization.Encoding.DER))
            started = time.perf_counter()
            try:
                if use_get:
                    path = "/pki/ocsp/" + urllib.parse.quote(base64.b64encode(der).decode(), safe="")
                    answer = client.get(path)
                else:
                    answer = client.post("/pki/ocsp", content=der,
                                         headers={"Content-Type": "application/ocsp-request"})
            except httpx.HTTPError as exc:
                tally.error(type(exc).__name__)
                continue
            took = time.perf_counter() - started
            if started < measure_from:
                continue
            if answer.status_code != 200:
                tally.error(f"HTTP {answer.status_code}")
                continue
            response = ocsp.load_der_ocsp_response(answer.content)
            if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
                tally.error(response.response_status.name)
            elif response.certificate_status != expected:
                tally.error(f"status {response.certificate_status.name}")
            elif response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce != nonce:
                tally.error("nonce")
            else:
                with tally.lock:
                    tally.latencies.append(took)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    zorgid = zorgid_command(args.zorgid)
    port = args.port or free_port()
    made_database = args.database_url is None
    database_url, home, env = bench_environment(port, args.database_url, "zorgid-bench-ocsp-")
    lift_client_limits(env)
    server: Server | None = None
    background = background_cores()
    try:
        if not migrate(zorgid, env, database_url if made_database else None):
            return 2
        server = serve(zorgid, env, home, port, args.workers, args.threads)
        if server is None:
            return 2
        made = make_certificates(zorgid, env, home, server.base_url, args.certificates)
        revoke(env, made[0][0])
        targets = [(certificate, issuer, ocsp.OCSPCertStatus.REVOKED if i == 0 else ocsp.OCSPCertStatus.GOOD)
                   for i, (_, certificate, issuer) in enumerate(made)]
        log(f"{len(made)} Mobile IDs activated, one revoked; load: {args.concurrency} clients, "
            f"{args.warmup:g} s warm-up + {args.duration:g} s, {'GET' if args.get else 'POST'}")
        tally = Tally()
        start = time.perf_counter()
        measure_from, stop_at = start + args.warmup, start + args.warmup + args.duration
        workers = children(server.process.pid)
        threads = [threading.Thread(target=client_loop, daemon=True,
                                    args=(server.base_url, targets, args.get, measure_from, stop_at, tally))
                   for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, measure_from - time.perf_counter()))
        before = cpu_snapshot(workers)
        for thread in threads:
            thread.join()
        after = cpu_snapshot(workers)
        elapsed = after["wall"] - before["wall"]
        answers = len(tally.latencies)
        server_cpu = sum(after["workers"].values()) - sum(before["workers"].values())
        print(f"OCSP ({'GET' if args.get else 'POST'}), {args.workers} workers x {args.threads} threads, "
              f"{args.concurrency} clients, {args.duration:g} s measured")
        print(f"  answers        {answers} ({answers / args.duration:.0f}/s), errors {sum(tally.errors.values())}"
              + (f" {tally.errors}" if tally.errors else ""))
        print(f"  latency ms     {ms_row(tally.latencies)}")
        print(f"  server CPU     {server_cpu / elapsed:.2f} cores "
              f"({server_cpu / max(answers, 1) * 1000:.2f} ms per answer), PostgreSQL "
              f"{(after['postgres'] - before['postgres']) / elapsed:.2f} cores, this script "
              f"{(after['bench'] - before['bench']) / elapsed:.2f} cores (of {os.cpu_count()}; background before: "
              f"{background:.2f})")
        return 1 if tally.errors and sum(tally.errors.values()) > answers / 100 else 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        clean_up(home, server, None, database_url if made_database else None)


if __name__ == "__main__":
    sys.exit(main())
