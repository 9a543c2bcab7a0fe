"""The portal's pages of the ZORG-ID Smartcard (smartcard_login_urls)."""

urlpatterns: list = []
