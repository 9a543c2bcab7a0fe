"""All URLs: the portal's pages (Dutch paths), the JSON API under /api/, the OpenID Connect provider, languages."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("zorgid.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("zorgid.portal.oidc_urls")),
    path("", include("zorgid.portal.pki_urls")),
    path("", include("zorgid.portal.care_app_urls")),
    path("", include("zorgid.portal.application_urls")),
    path("", include("zorgid.portal.urls")),
]

handler404 = "zorgid.portal.views.not_found"
handler500 = "zorgid.portal.views.server_error"
