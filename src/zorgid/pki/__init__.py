"""Public key infrastructure: the system's own CA, certificate profiles, CSRs and signatures."""
