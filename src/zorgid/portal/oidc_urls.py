"""The OpenID Connect provider's endpoints (docs/koppelen.md): discovery, authorize, token, userinfo, JWKS, logout."""

from django.urls import path

from . import oidc_logout_views, oidc_views

urlpatterns: list = [
    path(".well-known/openid-configuration", oidc_views.provider_configuration, name="oidc-discovery"),
    path("oidc/jwks", oidc_views.jwks, name="oidc-jwks"),
    path("oidc/authorize", oidc_views.authorize, name="oidc-authorize"),
    path("oidc/authorize/<str:flow_id>/status", oidc_views.login_status, name="oidc-login-status"),
    path("oidc/authorize/<str:flow_id>/verder", oidc_views.authorize_continue, name="oidc-authorize-continue"),
    path("oidc/token", oidc_views.token, name="oidc-token"),
    path("oidc/userinfo", oidc_views.userinfo, name="oidc-userinfo"),
    path("oidc/logout", oidc_logout_views.logout, name="oidc-logout"),
]
