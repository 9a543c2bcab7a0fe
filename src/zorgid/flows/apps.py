from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "zorgid.flows"
    label = "flows"
    verbose_name = "Flows"
    default_auto_field = "django.db.models.BigAutoField"
