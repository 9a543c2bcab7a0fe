from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zorgid.portal"
    label = "portal"
    verbose_name = "Portaal"

    def ready(self) -> None:
        from . import errors_catalogue

        errors_catalogue.load_all()
