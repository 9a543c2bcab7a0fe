"""The two environments of an installation (R-ENV): each has its own CA and trust store."""

ENVIRONMENTS = ("acceptatie", "productie")
