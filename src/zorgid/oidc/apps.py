from django.apps import AppConfig


class OidcConfig(AppConfig):
    name = "zorgid.oidc"
    label = "oidc"
    verbose_name = "OpenID Connect"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zorgid.identities.signals import sessions_ended

        from .backchannel import on_sessions_ended

        # a block or a revoke ends the person's sessions at applications and tells them (back-channel logout)
        sessions_ended.connect(on_sessions_ended, dispatch_uid="zorgid.oidc.backchannel")
