from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zorgid.audit"
    label = "audit"
    verbose_name = "Audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import keys

        keys.ensure()  # at the first start, from the SECRET_KEY of that moment: it may change afterwards
