from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "zorgid.flows"
    label = "flows"
    verbose_name = "Flows"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from .purposes import missing_checks

        checks.register(missing_checks)
