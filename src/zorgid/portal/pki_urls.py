"""The status of the certificates zorgid issues (docs/security.md, "Revocation: CRL and OCSP"): CRL per CA, OCSP."""

from django.urls import path

from . import pki_views

urlpatterns: list = [
    path("pki/crl/<slug:ca>.crl", pki_views.crl, name="pki-crl"),
    path("pki/ocsp", pki_views.ocsp_post, name="pki-ocsp"),
    path("pki/ocsp/<path:encoded>", pki_views.ocsp_get, name="pki-ocsp-get"),
]
