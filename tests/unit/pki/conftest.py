"""Fixtures of the pki tests: the CAs of the test certificates of TLS client authentication."""

from tests.unit.pki.certificates import ov_ca, uzi_ca  # noqa: F401 (fixtures)
