"""The OpenID Connect provider's endpoints (docs/koppelen.md): discovery, authorize, token, userinfo, JWKS, logout."""

urlpatterns: list = []
