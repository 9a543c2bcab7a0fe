"""Benchmark: an organisation's employee list at scale, and the bulk import (R-ROLE-BEH, R-FLOW-BEHREG).

Fills a fresh PostgreSQL database with ``--organisations`` organisations and ``--persons`` persons, each a
MEDEWERKER in one organisation, one of them large (``--large`` employees), and gives every ``--uzi-every``-th
person a Mobile ID with a UZI registration. The rows are made by PostgreSQL itself (INSERT … SELECT over
generate_series), not through the ORM. Then it starts ``zorgid serve``, logs a beheerder of the large
organisation in over HTTP (activation and login as bench/login.py does them), and times the employee list as
the portal shows it: first page, page 100 and page 99 by the cursors of their Volgende/Vorige links, search by
part of a name (one that matches and one that matches no one), by birth date and by UZI number, each by the
client and by the server (gunicorn's access log). Last, ``zorgid employees import`` of ``--import-rows``
new employees into the large organisation, wall time. See bench/README.md.

The server, database and figure helpers come from bench/login.py. Run it as a script: ``python bench/…``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import psycopg
from login import (
    Server,
    SimulatedUser,
    activate_device,
    add_server_options,
    bench_environment,
    clean_up,
    django_snippet,
    free_port,
    lift_client_limits,
    log,
    migrate,
    ms_row,
    percentile,
    start_server,
    wait_until_serving,
    zorgid_command,
)
from psycopg.conninfo import make_conninfo

from zorgid.identities.people import searchable

TARGET_P95 = 0.050  # s, server time
FIRST_URA = 90_000_000  # organisation i (from 0) has URA FIRST_URA + i; i = 0 is the large one
PERSON_LINK = re.compile(r'href="/organisatie/\d{8}/medewerkers/[0-9a-f]{32}"')

FIRST_NAMES = """Jan Pieter Kees Henk Willem Johannes Cornelis Hendrik Gerrit Dirk Bram Daan Sem Lucas Levi Finn
Luuk Milan Thijs Jesse Ruben Thomas Tim Lars Bas Stijn Sander Jeroen Mark Martijn Dennis Niels Rob Erik Joost Wouter
Maarten Arjen Anne Maria Johanna Cornelia Anna Elisabeth Wilhelmina Hendrika Geertruida Petronella Emma Julia Sophie
Tess Sara Anouk Fleur Lotte Iris Lisa Eva Femke Sanne Marloes Ilse Inge Kim Linda Esther Ingrid Marieke Astrid
Nienke Janneke Mirjam Hanneke Yvonne Sevda Fatima Mohamed Ahmed Yusuf Ayşe Noor Priya Rajesh Chen Wei""".split()
PREFIXES = ["", "", "", "", "", "", "de ", "de ", "van ", "van ", "van der ", "van den ", "van de ", "ter ", "den ",
            "in 't ", "op de "]
STEMS = """Jong Jansen Vries Berg Bakker Janssen Visser Smit Meijer Boer Mulder Groot Bos Vos Peters Hendriks Leeuwen
Dekker Brouwer Wit Dijkstra Smits Graaf Meer Linden Kok Jacobs Haan Vermeulen Heuvel Veen Broek Bruijn Bruin Heijden
Schouten Beek Willems Vliet Ven Hoekstra Maas Verhoeven Koster Dam Wal Prins Blom Huisman Peeters Kuipers Veenstra
Kuiper Bosch Boom Post Schipper Vermeer Dijk Wijk Postma Hoek Jonker Timmermans Brink Koning Kramer Molenaar
Hermans Meulen Ridder Goossens Vink Zwart Vos Koch Gerritsen Hoogendoorn Bijl Wolters Kroon Hofman Driel Akker Sluis
Scholten Kramer Bosman Verbeek Dam Yılmaz Şahin Öztürk Kaya Demir Bouzid Amrani Tahiri Nguyen Singh""".split()
CITIES = """Amsterdam Rotterdam Utrecht Eindhoven Groningen Tilburg Almere Breda Nijmegen Apeldoorn Haarlem Arnhem
Enschede Amersfoort Zaanstad Zwolle Leiden Maastricht Dordrecht Delft Alkmaar Venlo Deventer Hilversum""".split()
KINDS = ("huisartsenpraktijk", "apotheek", "ziekenhuis", "thuiszorg", "verpleeghuis", "fysiotherapie", "GGZ")

# One person per generate_series value g: names and birth date from a hash of g, so runs are repeatable.
PICK = "(((hashint4({expr})::bigint + 2147483648) %% {n}) + 1)::int"


def _pick(expr: str, n: int) -> str:
    return PICK.format(expr=expr, n=n)


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Fill PostgreSQL with organisations and persons, serve zorgid, and time a beheerder's employee "
                    "list (first page, pages 100 and 99 by their links, search by name, birth date and UZI number) and "
                    "`zorgid employees import` of new employees into the large organisation.",
    )
    parser.add_argument("--organisations", type=int, default=1_000, help="organisations (default 1000)")
    parser.add_argument("--persons", type=int, default=1_000_000,
                        help="persons, each a MEDEWERKER in one organisation (default 1000000)")
    parser.add_argument("--large", type=int, default=10_000,
                        help="employees of the large organisation, the beheerder's (default 10000)")
    parser.add_argument("--uzi-every", type=int, default=50,
                        help="every N-th person gets a Mobile ID with a UZI registration (default 50: 2 %%)")
    parser.add_argument("--requests", type=int, default=100, help="measured requests per kind (default 100)")
    parser.add_argument("--warmup", type=int, default=5, help="requests per kind before measuring (default 5)")
    parser.add_argument("--import-rows", type=int, default=10_000,
                        help="employees in the CSV file for `zorgid employees import` (default 10000; 0: skip)")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN ANALYZE of every kind's query (default: only of kinds whose server "
                             "p95 misses the 50 ms target)")
    add_server_options(parser, threads=8)
    parser.add_argument("--keep", action="store_true", help="keep the fresh database (its URL is printed)")
    args = parser.parse_args(argv)
    if args.organisations < 2 or args.large < 1 or args.persons < args.large or args.uzi_every < 1:
        parser.error("need --organisations ≥ 2, --large ≥ 1, --persons ≥ --large, --uzi-every ≥ 1")
    if args.requests < 1 or args.warmup < 0 or args.import_rows < 0:
        parser.error("--requests must be ≥ 1, --warmup and --import-rows ≥ 0")
    return args


# -------------------------------------------------------------------------------------------- filling


def _conninfo(url: str) -> str:
    url = "postgresql://" + url.split("://", 1)[1] if url.startswith("postgres://") else url
    return make_conninfo(url)


def fill(url: str, args: argparse.Namespace) -> dict:
    """Organisations, persons, role assignments, Mobile IDs and UZI registrations, made inside PostgreSQL."""
    figures = {}
    firsts, stems = FIRST_NAMES, sorted(set(STEMS))
    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute(
            "INSERT INTO organisations_organisation (ura, name, kvk, created_at, created_by, validated_at) "
            "SELECT (%(first)s + i)::text, CASE WHEN i = 0 THEN 'Ziekenhuis Groot Amstelland' ELSE "
            "initcap((%(kinds)s::text[])[1 + i %% %(nk)s]) || ' ' || (%(cities)s::text[])[1 + i %% %(nc)s] "
            "|| ' ' || i END, lpad((10000000 + i)::text, 8, '0'), now(), 'bench', now() "
            "FROM generate_series(0, %(n)s::int - 1) AS i ORDER BY i",
            {"first": FIRST_URA, "kinds": list(KINDS), "nk": len(KINDS), "cities": CITIES, "nc": len(CITIES),
             "n": args.organisations})
        first_id, last_id = conn.execute("SELECT min(id), max(id) FROM organisations_organisation").fetchone()
        if last_id - first_id + 1 != args.organisations:
            raise RuntimeError("organisation ids are not contiguous: is the database empty?")
        figures["organisations"] = time.perf_counter() - started

        started = time.perf_counter()
        conn.execute(
            "INSERT INTO identities_person (id, first_names, last_name, birth_date, created_at, blocked_at) "
            f"SELECT md5('p' || g), (%(firsts)s::text[])[{_pick('g', len(firsts))}] "
            f"|| CASE WHEN g %% 3 = 0 THEN ' ' || (%(firsts)s::text[])[{_pick('g + 1000003', len(firsts))}] "
            "ELSE '' END, "
            f"(%(prefixes)s::text[])[{_pick('g + 2000003', len(PREFIXES))}] "
            f"|| (%(stems)s::text[])[{_pick('g + 3000017', len(stems))}], "
            f"date '1957-01-01' + {_pick('g + 4000037', 17_000)}, now(), NULL "
            "FROM generate_series(1, %(n)s::int) AS g",
            {"firsts": firsts, "prefixes": PREFIXES, "stems": stems, "n": args.persons})
        figures["persons"] = time.perf_counter() - started

        started = time.perf_counter()
        conn.execute(
            "INSERT INTO identities_roleassignment (person_id, role, organisation_id, granted_at) "
            "SELECT md5('p' || g), 'medewerker', CASE WHEN g <= %(large)s THEN %(first_id)s "
            "ELSE %(first_id)s + 1 + g %% (%(orgs)s - 1) END, now() FROM generate_series(1, %(n)s::int) AS g",
            {"large": args.large, "first_id": first_id, "orgs": args.organisations, "n": args.persons})
        figures["role assignments"] = time.perf_counter() - started

        started = time.perf_counter()
        fill_memberships(conn, firsts, stems)
        figures["memberships (the employee lists)"] = time.perf_counter() - started

        started = time.perf_counter()
        conn.execute(
            "INSERT INTO identities_mobileid (id, person_id, certificate_pem, serial, not_before, not_after, status, "
            "activated_at, revoked_at) SELECT md5('m' || g), md5('p' || g), 'bench: no certificate', "
            "lpad(to_hex(g), 40, '0'), now(), now() + interval '3 years', 'active', now(), NULL "
            "FROM generate_series(%(every)s::int, %(n)s::int, %(every)s::int) AS g",
            {"every": args.uzi_every, "n": args.persons})
        conn.execute(
            "INSERT INTO identities_uziregistration (mobile_id_id, uzi_number, card_type, ura, role, agb, "
            "common_name, organisation_name, certificate_serial, registered_at) "
            "SELECT md5('m' || g), (900000000 + g)::text, 'Z', o.ura, '01.015', '00000000', "
            "p.first_names || ' ' || p.last_name, o.name, lpad(to_hex(g), 16, '0'), now() "
            "FROM generate_series(%(every)s::int, %(n)s::int, %(every)s::int) AS g "
            "JOIN identities_person p ON p.id = md5('p' || g) "
            "JOIN identities_roleassignment r ON r.person_id = p.id "
            "JOIN organisations_organisation o ON o.id = r.organisation_id",
            {"every": args.uzi_every, "n": args.persons})
        figures["Mobile IDs + UZI registrations"] = time.perf_counter() - started

        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        figures["VACUUM ANALYZE"] = time.perf_counter() - started
        figures["counts"] = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in (
            "organisations_organisation", "identities_person", "identities_roleassignment", "organisations_membership",
            "identities_mobileid", "identities_uziregistration")}
        figures["database size"] = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))"
                                                ).fetchone()[0]
    return figures


def fill_memberships(conn: psycopg.Connection, firsts: list[str], stems: list[str]) -> None:
    """organisations_membership as memberships.joined makes it: the search text from zorgid's own searchable()
    of every first-name and last-name value the persons were given, so SQL and Python cannot differ."""
    first_values = set(firsts) | {f"{a} {b}" for a in firsts for b in firsts}
    last_values = {prefix + stem for prefix in PREFIXES for stem in stems}
    conn.execute("CREATE TEMPORARY TABLE bench_searchable (part text, value text, searchable text, "
                 "PRIMARY KEY (part, value))")
    with conn.cursor().copy("COPY bench_searchable (part, value, searchable) FROM STDIN") as copy:
        for part, values in (("first", first_values), ("last", last_values)):
            for value in values:
                copy.write_row((part, value, searchable(value)))
    conn.execute(
        "INSERT INTO organisations_membership (organisation_id, person_id, last_name, first_names, birth_date, "
        "search_text) SELECT r.organisation_id, p.id, p.last_name, p.first_names, p.birth_date, "
        "f.searchable || ' ' || l.searchable FROM identities_roleassignment r "
        "JOIN identities_person p ON p.id = r.person_id "
        "JOIN bench_searchable f ON f.part = 'first' AND f.value = p.first_names "
        "JOIN bench_searchable l ON l.part = 'last' AND l.value = p.last_name "
        "WHERE r.organisation_id IS NOT NULL ORDER BY r.organisation_id, p.last_name, p.first_names, p.id")
    made, roles = conn.execute("SELECT (SELECT count(*) FROM organisations_membership), "
                               "(SELECT count(*) FROM identities_roleassignment)").fetchone()
    if made != roles:
        raise RuntimeError(f"{made} memberships for {roles} role assignments: a name without its search text")


NO_MATCH = "qxw"  # occurs in no name: the search reads the organisation's whole list


@dataclass
class Samples:
    """What the searches ask for: values that occur in the large organisation; the query strings of two pages
    deep in its list, found by following the links (walk_to_page)."""

    prefixes: list[str]
    birth_dates: list[str]
    uzi_numbers: list[str]
    page_100: dict | None = None
    page_99_back: dict | None = None


def samples(url: str, ura: str) -> Samples:
    with psycopg.connect(_conninfo(url)) as conn:
        org = "SELECT id FROM organisations_organisation WHERE ura = %s"
        rows = conn.execute(
            "SELECT p.last_name, to_char(p.birth_date, 'DD-MM-YYYY') FROM identities_person p "
            f"JOIN identities_roleassignment r ON r.person_id = p.id WHERE r.organisation_id = ({org}) "
            "ORDER BY p.id LIMIT 200", [ura]).fetchall()
        uzi = conn.execute(
            "SELECT u.uzi_number FROM identities_uziregistration u JOIN identities_mobileid m ON m.id = u.mobile_id_id "
            f"JOIN identities_roleassignment r ON r.person_id = m.person_id WHERE r.organisation_id = ({org}) "
            "ORDER BY u.uzi_number LIMIT 200", [ura]).fetchall()
    stems = sorted({last.split()[-1][:4] for last, _ in rows if len(last.split()[-1]) >= 4})
    return Samples(stems, sorted({born for _, born in rows}), [number for (number,) in uzi])


# ----------------------------------------------------------------------------------- the logged-in beheerder

MAKE_BEHEERDER = """
import datetime as dt, sys
import django
django.setup()
from zorgid import clock
from zorgid.identities.models import Person
from zorgid.organisations.models import Role
from zorgid.identities.services import issue_activation_code
from zorgid.organisations.roles import grant_role
from zorgid.organisations.models import Organisation
organisation = Organisation.objects.get(ura=sys.argv[1])
person = Person.objects.create(first_names="Bea", last_name="Beheerder", birth_date=dt.date(1980, 1, 1),
                               created_at=clock.now())
grant_role(person, Role.BEHEERDER, organisation, actor="bench")
print(issue_activation_code(person, actor="bench").code)
"""

EXPLAIN = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from zorgid import clock
from zorgid.administration import employees
from zorgid.organisations.models import Organisation
organisation = Organisation.objects.get(ura=sys.argv[1])
for kind, query in json.loads(sys.argv[2]).items():
    if query.get("geboortedatum"):
        query["birth_date"] = clock.parse_date(query.pop("geboortedatum"))
    with CaptureQueriesContext(connection) as captured:
        employees.search(organisation, text=query.get("q", ""), birth_date=query.get("birth_date"),
                         uzi=query.get("uzi", ""), after=query.get("na", ""), before=query.get("voor", ""),
                         number=int(query.get("pagina", 1)))
    plans = []
    for sql in [q["sql"] for q in captured.captured_queries]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append(f"  -- {kind}: {sql}\\n" + "\\n".join("      " + row[0] for row in cursor.fetchall()))
    print("\\n".join(plans), end="\\x1e")
"""


def log_in_beheerder(env: dict, base_url: str, ura: str) -> SimulatedUser:
    code = django_snippet(env, MAKE_BEHEERDER, ura).strip().splitlines()[-1]
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        device = activate_device(client, code)
    user = SimulatedUser(base_url, device, ThreadPoolExecutor(2), ssl.create_default_context())
    user.login()  # browser: start page and long-poll; app: fetch, unlock, sign, approve (bench/login.py)
    return user


# ------------------------------------------------------------------------------------------- measuring


def requests_of(kind: str, found: Samples, count: int) -> list[dict]:
    """``count`` query strings of one kind, cycling over the sample values."""
    def cycle(values: list[str], name: str) -> list[dict]:
        if not values:
            return []
        return [{name: values[i % len(values)]} for i in range(count)]

    return {
        "first page": [{} for _ in range(count)],
        "page 100": [dict(found.page_100 or {}) for _ in range(count)],
        "page 99 (back)": [dict(found.page_99_back or {}) for _ in range(count)],
        "name contains": cycle(found.prefixes, "q"),
        "name, no match": [{"q": NO_MATCH} for _ in range(count)],
        "birth date": cycle(found.birth_dates, "geboortedatum"),
        "UZI number": cycle(found.uzi_numbers, "uzi"),
    }[kind]


KINDS_MEASURED = ("first page", "page 100", "page 99 (back)", "name contains", "name, no match", "birth date",
                  "UZI number")
LINK = {rel: re.compile(rf'<a href="\?([^"]*)" rel="{rel}"') for rel in ("next", "prev")}
PAGE_NUMBER = re.compile(r'data-testid="page-number">[^<]*?(\d+)<')
SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")


def walk_to_page(browser: httpx.Client, ura: str, number: int) -> tuple[dict, dict]:
    """The query strings of page ``number`` (following Volgende from the first page, as a person would) and of
    the page its Vorige link opens; not measured."""
    def link(page: str, rel: str) -> dict:
        match = LINK[rel].search(page)
        if match is None:
            raise RuntimeError(f"no {rel} link on page {PAGE_NUMBER.search(page).group(1)} of the employee list")
        return dict(parse_qsl(html.unescape(match.group(1))))

    path, query = f"/organisatie/{ura}/medewerkers", {}
    for _ in range(number - 1):
        query = link(browser.get(path, params=query).text, "next")
    page = browser.get(path, params=query).text
    if PAGE_NUMBER.search(page).group(1) != str(number):
        raise RuntimeError(f"following Volgende {number - 1} times did not show page {number}")
    return query, link(page, "prev")


@dataclass
class Measured:
    client: list[float]
    rows: list[int]
    statuses: dict
    server: list[float]


def server_time(response: httpx.Response) -> float | None:
    """The time inside the server, in s, from the answer's Server-Timing header (zorgid.portal.access_log)."""
    match = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
    return float(match.group(1)) / 1000 if match else None


def measure(browser: httpx.Client, ura: str, found: Samples, args: argparse.Namespace) -> dict[str, Measured]:
    path = f"/organisatie/{ura}/medewerkers"
    results = {}
    for kind in KINDS_MEASURED:
        for query in requests_of(kind, found, args.warmup):
            browser.get(path, params=query)
        measured = Measured([], [], {}, [])
        for query in requests_of(kind, found, args.requests):
            started = time.perf_counter()
            response = browser.get(path, params=query)
            measured.client.append(time.perf_counter() - started)
            measured.statuses[response.status_code] = measured.statuses.get(response.status_code, 0) + 1
            measured.rows.append(len(PERSON_LINK.findall(response.text)))
            if (server := server_time(response)) is not None:
                measured.server.append(server)
        results[kind] = measured
    return results


def import_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("voornamen;achternaam;geboortedatum\n")
        for i in range(rows):
            first = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {FIRST_NAMES[(i // len(FIRST_NAMES)) % len(FIRST_NAMES)]}"
            last = f"{PREFIXES[i % len(PREFIXES)]}{STEMS[(i * 7) % len(STEMS)]}-Nieuw{i}"
            handle.write(f"{first};{last};{1 + i % 28:02d}-{1 + i % 12:02d}-{1960 + i % 45}\n")


def run_import(zorgid: str, env: dict, home: Path, ura: str, rows: int) -> dict:
    path = home / "import.csv"
    import_csv(path, rows)
    mounted = subprocess.run([zorgid, "employees", "--help"], env=env, capture_output=True, timeout=60).returncode == 0
    command = [zorgid] if mounted else [sys.executable, "-c", "import sys; from zorgid.employees_cli import "
                                        "employees_app; employees_app(sys.argv[1:], prog_name='zorgid employees')"]
    started = time.perf_counter()
    subprocess.run([zorgid, "--help"], env=env, capture_output=True, timeout=60)
    startup = time.perf_counter() - started
    started = time.perf_counter()
    result = subprocess.run([*command, *(["employees"] if mounted else []), "import", str(path), "--ura", ura],
                            env=env, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    return {"wall": wall, "startup": startup, "status": result.returncode, "mounted": mounted,
            "output": (result.stdout + result.stderr).strip()[-1500:], "size": path.stat().st_size}


# ---------------------------------------------------------------------------------------------- report


def report(args, figures: dict, results: dict[str, Measured], imported: dict | None, ura: str) -> list[str]:
    """Prints the figures; returns the kinds whose server p95 misses the target."""
    counts = figures["counts"]
    print()
    print(f"zorgid admin benchmark: {counts['organisations_organisation']:,} organisations, "
          f"{counts['identities_person']:,} persons, {counts['identities_uziregistration']:,} UZI registrations; "
          f"the beheerder's organisation (URA {ura}) has {args.large:,} employees; database "
          f"{figures['database size']}; {os.cpu_count()} cores, {args.workers} workers x {args.threads} threads")
    print("  filling (inside PostgreSQL), s")
    for what in ("organisations", "persons", "role assignments", "memberships (the employee lists)",
                 "Mobile IDs + UZI registrations", "VACUUM ANALYZE"):
        print(f"    {what:34s} {figures[what]:7.1f}")
    print(f"  employee list, {args.requests} requests per kind after {args.warmup} warm-up, one logged-in "
          "browser, ms (nearest rank); pages 100 and 99 by the cursor of their Volgende/Vorige link")
    missed = []
    for kind in KINDS_MEASURED:
        measured = results[kind]
        server = measured.server
        rows = sorted(measured.rows)
        statuses = ", ".join(f"HTTP {code} x{n}" for code, n in sorted(measured.statuses.items()))
        print(f"    {kind:17s} server {ms_row(server, (50, 95))}   client {ms_row(measured.client, (50, 95))}")
        print(f"    {'':17s} rows per page {rows[0]}-{rows[-1]}; {statuses}")
        if not server or percentile(server, 95) >= TARGET_P95:
            missed.append(kind)
    print(f"  target (server p95 < {TARGET_P95 * 1000:.0f} ms for every kind): "
          f"{'met' if not missed else 'NOT met for ' + ', '.join(missed)}")
    if imported is not None:
        rate = args.import_rows / imported["wall"] if imported["wall"] else 0
        print(f"  zorgid employees import of {args.import_rows:,} employees ({imported['size'] / 1024:.0f} KiB CSV) "
              f"into the large organisation: {imported['wall']:.2f} s wall ({rate:,.0f} rows/s), exit status "
              f"{imported['status']}{'' if imported['mounted'] else ' (run through employees_app: not mounted)'}; "
              f"of which Python start-up and imports (zorgid --help) {imported['startup']:.2f} s")
        if imported["status"] != 0:
            print("    " + imported["output"].replace("\n", "\n    "))
    return missed


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    zorgid = zorgid_command(args.zorgid)
    port = args.port or free_port()
    made_database = args.database_url is None
    database_url, home, env = bench_environment(port, args.database_url, "zorgid-bench-admin-")
    lift_client_limits(env)
    ura = str(FIRST_URA)
    server: Server | None = None
    status = 0
    try:
        if not migrate(zorgid, env, database_url if made_database else None):
            return 2
        log(f"filling: {args.organisations:,} organisations, {args.persons:,} persons (the large organisation "
            f"{args.large:,}), a UZI registration for every {args.uzi_every}th")
        started = time.perf_counter()
        figures = fill(database_url, args)
        log(f"filled in {time.perf_counter() - started:.1f} s; database {figures['database size']}")
        found = samples(database_url, ura)
        log(f"zorgid serve --port {port} --workers {args.workers} --threads {args.threads}")
        server = start_server(zorgid, env, home, port, args.workers, args.threads)
        try:
            wait_until_serving(server, args.workers)
        except RuntimeError as exc:
            log(f"server failed to start: {exc}\n{server.tail()}")
            return 2
        user = log_in_beheerder(env, server.base_url, ura)
        found.page_100, found.page_99_back = walk_to_page(user.browser, ura, 100)
        log("beheerder logged in, page 100 found by following Volgende; measuring the employee list")
        results = measure(user.browser, ura, found, args)
        user.close()
        queries = {kind: dict(requests_of(kind, found, 1)[0]) for kind in KINDS_MEASURED}
        plans = django_snippet(env, EXPLAIN, ura, json.dumps(queries)).split("\x1e")  # before the import grows it
        imported = None
        if args.import_rows:
            log(f"zorgid employees import of {args.import_rows:,} employees")
            imported = run_import(zorgid, env, home, ura, args.import_rows)
            if imported["status"] != 0:
                status = 1
        server.stop()
        missed = report(args, figures, results, imported, ura)
        explain = list(KINDS_MEASURED) if args.explain else missed
        if explain:
            print("  EXPLAIN (ANALYZE, BUFFERS) of the search query, before the import" + (
                "" if args.explain else ", of the kinds that missed the target"))
            for kind, plan in zip(KINDS_MEASURED, plans, strict=False):
                if kind in explain:
                    print(plan)
        return status
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        clean_up(home, server, drop=database_url if made_database and not args.keep else None)
        if made_database and args.keep:
            log(f"database kept: {database_url}")


if __name__ == "__main__":
    sys.exit(main())
