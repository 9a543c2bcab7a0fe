from django.apps import AppConfig


class PkiConfig(AppConfig):
    name = "zorgid.pki"
    label = "pki"
    verbose_name = "PKI: certificate status"
    default_auto_field = "django.db.models.BigAutoField"
