"""Rows of the access matrix (test_access_matrix.py) kept beside it, one module per part of the portal."""
