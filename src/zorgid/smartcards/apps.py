from django.apps import AppConfig


class SmartcardsConfig(AppConfig):
    name = "zorgid.smartcards"
    label = "smartcards"
    verbose_name = "ZORG-ID Smartcard"

    def ready(self) -> None:
        from zorgid.flows import purposes
        from zorgid.flows.models import CardFlowPurpose

        from . import login, making

        purposes.register(CardFlowPurpose.SMARTCARD, making.check_card)
        purposes.register(CardFlowPurpose.SMARTCARD_LOGIN, login.check_card)
