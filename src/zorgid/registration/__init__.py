"""Self-registration with a UZI-pas: a use case above the entities and the card flows."""
