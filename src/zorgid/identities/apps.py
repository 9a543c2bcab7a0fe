from django.apps import AppConfig


class IdentitiesConfig(AppConfig):
    name = "zorgid.identities"
    label = "identities"
    verbose_name = "Identiteiten"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import keyring

        keyring.ensure()  # at the first start, from the SECRET_KEY of that moment: it may change afterwards
