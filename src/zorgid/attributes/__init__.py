"""Linking the UZI attributes of one's own UZI-pas to a Mobile ID: a use case."""
