"""The portal's pages of the ZORG-ID Smartcard (smartcard_urls): making one with one's own UZI-pas."""

from django.urls import path

from . import smartcard_views

urlpatterns = [
    path("smartcard/aanmaken", smartcard_views.new, name="portal-smartcard-new"),
    path("smartcard/aanmaken/<str:flow_id>", smartcard_views.card, name="portal-smartcard-card"),
    path("smartcard/aanmaken/<str:flow_id>/status", smartcard_views.status, name="portal-smartcard-status"),
    path("smartcard/aanmaken/<str:flow_id>/verversen", smartcard_views.refresh, name="portal-smartcard-refresh"),
    path("smartcard/aanmaken/<str:flow_id>/pas-gelezen", smartcard_views.answered, name="portal-smartcard-answered"),
    path("smartcard/aanmaken/<str:flow_id>/klaar", smartcard_views.done, name="portal-smartcard-done"),
]
