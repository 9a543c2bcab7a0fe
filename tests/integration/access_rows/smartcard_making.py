"""Access-matrix rows of the ZORG-ID Smartcard pages (smartcard_making): the same form as test_access_matrix.TABLE."""

ROWS: dict = {}


def values(*, linde, oost, bram, people) -> dict:
    """Extra placeholder values for these rows' paths (made in the matrix's world)."""
    return {}
