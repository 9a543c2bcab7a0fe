from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("v1/activations", views.ActivationView.as_view(), name="api-activations"),
    path("v1/login-flows/<str:flow_id>", views.LoginFlowView.as_view(), name="api-login-flow"),
    path("v1/login-flows/<str:flow_id>/approval", views.LoginApprovalView.as_view(), name="api-login-approval"),
    path("v1/key-shares/<str:mobile_id>/unlock", views.KeyShareUnlockView.as_view(), name="api-key-share-unlock"),
    path("v1/key-shares/<str:mobile_id>/pin", views.KeySharePinView.as_view(), name="api-key-share-pin"),
    path("v1/card-flows/<str:flow_id>", views.CardFlowView.as_view(), name="api-card-flow"),
    path("v1/card-flows/<str:flow_id>/response", views.CardAnswerView.as_view(), name="api-card-response"),
    path("v1/card-flows/<str:flow_id>/decline", views.CardDeclineView.as_view(), name="api-card-decline"),
    path("v1/card-flows/<str:flow_id>/smartcard", views.SmartcardKeysView.as_view(), name="api-smartcard-keys"),
    path("v1/applications/<str:reference>/document", views.ApplicationDocumentView.as_view(),
         name="api-application-document"),
    path("v1/widscan-links", views.WidScanLinksView.as_view(), name="api-widscan-links"),
    path("v1/widscan-links/<str:link>/claim", views.WidScanClaimView.as_view(), name="api-widscan-claim"),
    path("v1/widscan-links/<str:link>/state", views.WidScanStateView.as_view(), name="api-widscan-state"),
    path("v1/widscan-links/<str:link>/approval", views.WidScanApprovalView.as_view(), name="api-widscan-approval"),
    path("v1/widscan-links/<str:link>/decline", views.WidScanDeclineView.as_view(), name="api-widscan-decline"),
    path("v1/widscan-checks", views.WidScanChecksView.as_view(), name="api-widscan-checks"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
