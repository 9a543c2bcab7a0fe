from django.apps import AppConfig


class WidScanConfig(AppConfig):
    name = "zorgid.widscan"
    label = "widscan"
    verbose_name = "WID scan app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zorgid.identities.signals import sessions_ended

        from .services import on_sessions_ended

        # a revoked Mobile ID ends its WID scan app's link (a block is refused at each use: an unblock restores it)
        sessions_ended.connect(on_sessions_ended, dispatch_uid="zorgid.widscan.links")
