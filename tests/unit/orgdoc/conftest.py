"""One test UZI CA per session, its acceptatie trust store, a server certificate and a signed document."""

from __future__ import annotations

import pytest

from zorgid.devtools.test_uzi_ca import ensure_test_uzi_ca
from zorgid.orgdoc import sign
from zorgid.pki.uzi import load_trust_store

from .factory import URA, Kit, unsigned


@pytest.fixture(scope="session")
def kit(tmp_path_factory) -> Kit:
    ca = ensure_test_uzi_ca(tmp_path_factory.mktemp("orgdoc-uzi-ca") / "ca")
    server = ca.issue_server_certificate(URA, "portaal.zorg.example")
    signed = sign(unsigned(), server.key, server.certificate)
    return Kit(ca, load_trust_store(ca.trust_dir, "acceptatie"), server, signed)
