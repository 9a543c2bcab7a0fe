"""Organisation validation with a UZI-pas, and requests to become administrator: a use case."""
