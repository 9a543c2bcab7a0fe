from django.apps import AppConfig


class AttributesConfig(AppConfig):
    name = "zorgid.attributes"
    label = "attributes"
    verbose_name = "UZI attributes"

    def ready(self) -> None:
        from zorgid.flows import purposes
        from zorgid.flows.models import CardFlowPurpose

        from .card_purpose import check_card

        purposes.register(CardFlowPurpose.ATTRIBUTES, check_card)
