"""zorgid: an open implementation of ZORG-ID, the identity means of Dutch healthcare employees."""

__version__ = "0.1.0"
