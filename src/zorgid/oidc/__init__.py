"""The OpenID Connect provider: healthcare applications log their users in with zorgid (docs/koppelen.md)."""
