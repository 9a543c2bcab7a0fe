from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "zorgid.applications"
    label = "applications"
    verbose_name = "Aanvragen"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zorgid.flows.signals import login_completed

        from .onboarding import first_login_completes

        login_completed.connect(first_login_completes, dispatch_uid="zorgid.applications.first_login")
