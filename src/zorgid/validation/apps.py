from django.apps import AppConfig


class ValidationConfig(AppConfig):
    name = "zorgid.validation"
    label = "validation"
    verbose_name = "Organisation validation"

    def ready(self) -> None:
        from zorgid.flows import purposes
        from zorgid.flows.models import CardFlowPurpose

        from .card_purpose import check_card

        purposes.register(CardFlowPurpose.ORGANISATION_VALIDATION, check_card)
