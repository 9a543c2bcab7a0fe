"""Fixtures for the developer tools: one test UZI CA per session (tokens are made by the helpers in
``tokens.py``, in subprocesses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("test-uzi-ca") / "ca"


@pytest.fixture(scope="session")
def uzi_ca(ca_dir):
    return ensure_test_uzi_ca(ca_dir)
