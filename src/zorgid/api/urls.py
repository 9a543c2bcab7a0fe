from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("v1/activations", views.ActivationView.as_view(), name="api-activations"),
    path("v1/login-flows/<str:flow_id>", views.LoginFlowView.as_view(), name="api-login-flow"),
    path("v1/login-flows/<str:flow_id>/approval", views.LoginApprovalView.as_view(), name="api-login-approval"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
