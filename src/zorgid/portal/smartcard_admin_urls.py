"""The portal's pages of the ZORG-ID Smartcard (smartcard_admin_urls): revoking one (its holder, or a manager of
an organisation it is linked to) and linking one to another organisation after a WID check."""

from django.urls import path

from . import smartcard_admin_views

urlpatterns = [
    path("mijn-smartcard/intrekken", smartcard_admin_views.revoke_own, name="portal-smartcard-revoke"),
    path("organisatie/<str:ura>/medewerkers/<str:person_id>/smartcard/intrekken", smartcard_admin_views.admin_revoke,
         name="portal-org-smartcard-revoke"),
    path("organisatie/<str:ura>/medewerkers/<str:person_id>/smartcard/koppelen", smartcard_admin_views.admin_link,
         name="portal-org-smartcard-link"),
]
