"""Fixtures for the Desktop App: one test UZI CA per session, a stand-in card-flow server per test."""

from __future__ import annotations

import pytest

from .cards import CardServer, make_card


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("desktop-test-uzi-ca") / "ca"


@pytest.fixture(scope="module")
def one_card(tmp_path_factory, ca_dir):
    """A token directory with one Z card (UZI 900016528), shared by the tests that only read and sign."""
    return make_card(tmp_path_factory.mktemp("one-card"), ca_dir)


@pytest.fixture
def card_server():
    server = CardServer()
    yield server
    server.close()
