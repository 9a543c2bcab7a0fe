from django.apps import AppConfig


class CareAppsConfig(AppConfig):
    name = "zorgid.care_apps"
    label = "care_apps"
    verbose_name = "Geaccepteerde zorgapplicaties"
    default_auto_field = "django.db.models.BigAutoField"
