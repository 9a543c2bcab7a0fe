from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "zorgid.organisations"
    label = "organisations"
    verbose_name = "Organisaties"
    default_auto_field = "django.db.models.BigAutoField"
