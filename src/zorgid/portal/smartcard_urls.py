"""The portal's pages of the ZORG-ID Smartcard (smartcard_urls)."""

urlpatterns: list = []
