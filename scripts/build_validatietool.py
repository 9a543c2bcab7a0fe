"""Build ``zorgid-validatietool.pyz``: the validation tool as one file that an organisation downloads.

The archive is a zipapp (``python -m zipapp``'s format: a zip with ``__main__.py``) holding

* the part of zorgid the tool uses: ``zorgid.clients.validatietool`` and every ``zorgid`` module it imports
  (found by reading their imports, also those inside functions), the document schema and the UZI trust stores;
* the pure-Python libraries it uses (typer, rich, httpx, signxml, asn1crypto and theirs), copied from this
  environment: they run on any platform;
* not the compiled libraries (cryptography, lxml, python-pkcs11, and pydantic, which typer uses and which is
  bound to its compiled core): they are built per platform and Python version, so the user installs them once
  (``__main__.py`` names the pip command when one is missing).

On first start ``__main__.py`` unpacks the archive into a cache directory named after its build id (schema and
trust stores are read as files, which a zip cannot give) and runs the tool from there.

Usage: ``python scripts/build_validatietool.py OUT.pyz`` (``make validatietool``).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata as metadata
import io
import re
import sys
import zipfile
from pathlib import Path

from packaging.markers import Marker

SRC = Path(__file__).resolve().parents[1] / "src"
ENTRY = "zorgid.clients.validatietool.cli"
DATA = ("zorgid/orgdoc/schema", "zorgid/pki/truststores/acceptatie", "zorgid/pki/truststores/productie")
# The libraries the tool imports; their requirements are followed.
TOP_LEVEL = ("typer", "rich", "httpx", "signxml", "asn1crypto", "python-pkcs11", "cryptography", "lxml")
# Compiled (or bound to a compiled core), so installed by the user: distribution, import name, requirement
# (also named in docs/validatietool.md and on the validation tool's page).
COMPILED = (("cryptography", "cryptography", "cryptography>=44"), ("lxml", "lxml", "lxml>=5"),
            ("python-pkcs11", "pkcs11", "python-pkcs11>=0.7"), ("pydantic", "pydantic", "pydantic>=2.5.3"))
# What pip installs with those.
COMPILED_DEPENDENCIES = ("cffi", "pycparser", "pydantic-core", "typing-inspection", "annotated-types")

MAIN = '''\
"""zorgid-validatietool as one file: unpack once into a cache directory, then run the tool from there."""
import os, sys, zipfile
from pathlib import Path

BUILD = {build!r}
NEEDED = {needed!r}


def unpacked(archive):
    cache = Path(os.environ.get("ZORGID_VALIDATIETOOL_CACHE") or
                 Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zorgid-validatietool")
    target = cache / BUILD
    if not (target / "lib").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / (BUILD + ".%d" % os.getpid())
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(partial, [n for n in zipped.namelist() if n.startswith("lib/")])
        try:
            partial.rename(target)
        except OSError:  # another start unpacked it first
            import shutil
            shutil.rmtree(partial, ignore_errors=True)
    return target / "lib"


def main():
    sys.path.insert(0, str(unpacked(os.path.dirname(os.path.abspath(__file__)))))
    missing = []
    for module, package in NEEDED:
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if sys.version_info < (3, 11):
        sys.exit("zorgid-validatietool heeft Python 3.11 of nieuwer nodig (needs Python 3.11 or newer).")
    if missing:
        sys.exit("zorgid-validatietool heeft nog nodig (still needs): " + ", ".join(missing) + "\\n"
                 "Installeer met (install with): python3 -m pip install --user " +
                 " ".join('"%s"' % p for p in missing))
    from zorgid.clients.validatietool.cli import main as tool
    sys.argv[0] = "zorgid-validatietool"
    tool()


main()
'''


def key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def zorgid_modules() -> list[Path]:
    """Every zorgid module the tool imports, with the packages above them."""
    todo, seen = [ENTRY], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = SRC / (name.replace(".", "/") + ".py")
        package = SRC / name.replace(".", "/") / "__init__.py"
        path = package if package.is_file() else path
        if not path.is_file():
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        base = parts if path.name == "__init__.py" else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names if alias.name.startswith("zorgid")]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    module = ".".join(base[: len(base) - node.level + 1] + ([module] if module else []))
                if module.startswith("zorgid"):
                    todo.append(module)
                    todo += [f"{module}.{alias.name}" for alias in node.names]
    files = []
    for name in sorted(seen):
        package = SRC / name.replace(".", "/") / "__init__.py"
        files.append(package if package.is_file() else SRC / (name.replace(".", "/") + ".py"))
    return files


def distributions() -> list[metadata.Distribution]:
    """The pure-Python distributions the tool's libraries need, following their requirements."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(TOP_LEVEL)
    while todo:
        name = key(todo.pop())
        if name in found or name in map(key, COMPILED_DEPENDENCIES):
            continue
        dist = metadata.distribution(name)
        found[name] = dist
        for requirement in dist.requires or []:
            spec, _, marker = requirement.partition(";")
            if marker and ("extra" in marker or not Marker(marker).evaluate()):
                continue
            todo.append(re.match(r"[A-Za-z0-9_.\-]+", spec.strip()).group(0))
    compiled = {key(name) for name, _, _ in COMPILED}
    return [d for n, d in sorted(found.items()) if n not in compiled]


def build(out: Path) -> str:
    members: dict[str, bytes] = {}
    for path in zorgid_modules():
        members["lib/" + path.relative_to(SRC).as_posix()] = path.read_bytes()
    for folder in DATA:
        for path in sorted((SRC / folder).rglob("*")):
            if path.is_file():
                members["lib/" + path.relative_to(SRC).as_posix()] = path.read_bytes()
    for dist in distributions():
        for file in dist.files or []:
            name = file.as_posix()
            if name.startswith("..") or "__pycache__" in name or name.endswith((".pyc", ".so", ".pyd")):
                continue
            source = Path(file.locate())
            if source.is_file():
                members["lib/" + name] = source.read_bytes()
    digest = hashlib.sha256(MAIN.encode() + repr(COMPILED).encode())
    for name in sorted(members):
        digest.update(name.encode() + b"\0" + hashlib.sha256(members[name]).digest())
    build_id = digest.hexdigest()[:16]
    needed = tuple((module, requirement) for _, module, requirement in COMPILED)
    members["__main__.py"] = MAIN.format(build=build_id, needed=needed).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # the same input gives the same file
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, members[name])
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(b"#!/usr/bin/env python3\n" + buffer.getvalue())
    partial.chmod(0o755)
    partial.replace(out)
    return build_id


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    target = Path(sys.argv[1])
    built = build(target)
    print(f"{target}: build {built}, sha256 {hashlib.sha256(target.read_bytes()).hexdigest()}")
