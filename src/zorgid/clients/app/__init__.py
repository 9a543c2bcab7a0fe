"""``zorgid-app``: the counterpart of the ZORG-ID Mobile App (R-CRED-MOBILE, R-FLOW-LOGIN).

It keeps one Mobile ID per app home: a P-256 key made on the device, encrypted under a key derived from
the 6-digit PIN, and the certificate the server issued for it. The PIN never leaves the device.
"""
