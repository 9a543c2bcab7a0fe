from django.apps import AppConfig


class IdentitiesConfig(AppConfig):
    name = "zorgid.identities"
    label = "identities"
    verbose_name = "Identiteiten"
    default_auto_field = "django.db.models.BigAutoField"
