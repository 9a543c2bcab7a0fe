"""The portal's pages of logging in with a ZORG-ID Smartcard (smartcard_login_views)."""

from django.urls import path

from . import smartcard_login_views

urlpatterns: list = [
    path("inloggen/smartcard", smartcard_login_views.start, name="portal-smartcard-login"),
    path("inloggen/smartcard/<str:flow_id>/gelezen", smartcard_login_views.card_read,
         name="portal-smartcard-login-card-read"),
    path("oidc/authorize/<str:flow_id>/smartcard", smartcard_login_views.start_for_application,
         name="oidc-smartcard-login"),
]
