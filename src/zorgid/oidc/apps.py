from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "zorgid.oidc"
    label = "oidc"
    verbose_name = "OpenID Connect"
    default_auto_field = "django.db.models.BigAutoField"
