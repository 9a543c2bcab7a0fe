"""Use case: the ZORG-ID Smartcard (docs/architecture.md): making one with a UZI-pas, logging in with it.

making.py: the card session of purpose ``smartcard`` (the employee's own UZI-pas, then the blank card's keys);
login.py: the card session of purpose ``smartcard-login``. Both register their card check with the flows
(apps.py). Issuing, revoking and the certificate status are identities.smartcards and pki.
"""
