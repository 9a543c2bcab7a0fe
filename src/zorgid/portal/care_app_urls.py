"""The register of accepted healthcare applications: the public list and the operator's pages."""

from django.urls import path

from . import care_app_views as views

urlpatterns = [
    path("applicaties", views.public_list, name="care-apps-public"),
    path("beheer/applicaties", views.operator_list, name="care-apps-operator"),
    path("beheer/applicaties/nieuw", views.operator_add, name="care-apps-operator-add"),
    path("beheer/applicaties/<str:client_id>", views.operator_detail, name="care-apps-operator-detail"),
    path("beheer/applicaties/<str:client_id>/<str:action>", views.operator_action, name="care-apps-operator-action"),
]
