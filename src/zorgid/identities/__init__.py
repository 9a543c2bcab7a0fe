"""Persons, their Mobile IDs, activation codes and roles (R-CRED-MOBILE, R-ROLE)."""
