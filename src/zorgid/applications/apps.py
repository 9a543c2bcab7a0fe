from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "zorgid.applications"
    label = "applications"
    verbose_name = "Aanvragen"
    default_auto_field = "django.db.models.BigAutoField"
