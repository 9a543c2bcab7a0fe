from django.urls import path

from . import application_operator_views as operator_views
from . import application_views as views

urlpatterns = [
    path("aanvragen/nieuw", views.apply, name="applications-apply"),
    path("aanvragen/document", views.upload, name="applications-upload"),
    path("aanvragen/validatietool", views.validation_tool, name="applications-validation-tool"),
    path("aanvragen/validatietool/zorgid-validatietool.pyz", views.validation_tool_download,
         name="applications-validation-tool-download"),
    path("aanvragen/<str:reference>/status/<str:token>", views.status, name="applications-status"),
    path("vervolgformulier/<str:token>", views.followup, name="applications-followup"),
    path("activatie/<str:code>", views.activation, name="applications-activation"),
    path("beheer/aanvragen", operator_views.queue, name="applications-operator-queue"),
    path("beheer/aanvragen/<str:reference>", operator_views.detail, name="applications-operator-detail"),
    path("beheer/aanvragen/<str:reference>/<str:action>", operator_views.decide, name="applications-operator-decide"),
]
