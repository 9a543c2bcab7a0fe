"""``zorgid-desktop``: the counterpart of the ZORG-ID Desktop App (R-CRED-UZI).

The browser launches it with a ``zorgid-desktop://card?…`` address. It reads the UZI-pas through PKCS#11
(SoftHSM2 by default, OpenSC or the card vendor's module for real cards), asks the security code and the
holder's consent, signs the server's challenge with the card's authentication key, and sends the signature
with the authentication certificate. Like every client it speaks to the server only over HTTP and imports
nothing of the server but ``zorgid.protocol``; the server decides whether the card is trusted.
"""
