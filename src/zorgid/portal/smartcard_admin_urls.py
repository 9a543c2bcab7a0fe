"""The portal's pages of the ZORG-ID Smartcard (smartcard_admin_urls)."""

urlpatterns: list = []
