from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "zorgid.registration"
    label = "registration"
    verbose_name = "Self-registration"

    def ready(self) -> None:
        from zorgid.flows import purposes
        from zorgid.flows.models import CardFlowPurpose

        from .card_purpose import check_card

        purposes.register(CardFlowPurpose.SELF_REGISTRATION, check_card)
