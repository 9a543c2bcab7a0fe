from django.urls import path

from . import views

urlpatterns = [
    path("", views.start, name="portal-start"),
    path("inloggen/status/<str:flow_id>", views.login_status, name="portal-login-status"),
    path("overzicht", views.overview, name="portal-overview"),
    path("uitloggen", views.logout, name="portal-logout"),
    path("foutmeldingen", views.error_codes, name="portal-error-codes"),
]
