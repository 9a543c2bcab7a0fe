from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zorgid.api"
    label = "api"
    verbose_name = "API"
