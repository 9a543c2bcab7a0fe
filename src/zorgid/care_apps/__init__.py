"""The register of accepted healthcare applications (zorgapplicaties) that log their users in with zorgid."""
