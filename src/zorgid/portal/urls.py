from django.urls import include, path

from . import (
    admin_request_views,
    attribute_views,
    audit_views,
    card_views,
    correction_views,
    devmail_views,
    health_views,
    import_views,
    operator_views,
    organisation_views,
    registration_views,
    validation_views,
    views,
)

urlpatterns = [
    path("", views.start, name="portal-start"),
    path("inloggen/status/<str:flow_id>", views.login_status, name="portal-login-status"),
    path("overzicht", views.overview, name="portal-overview"),
    path("uitloggen", views.logout, name="portal-logout"),
    path("foutmeldingen", views.error_codes, name="portal-error-codes"),
    # the card step, shared (manual §3-5)
    path("uzi-pas/<str:flow_id>", card_views.card_page, name="portal-card"),
    path("uzi-pas/<str:flow_id>/status", card_views.card_status, name="portal-card-status"),
    path("uzi-pas/<str:flow_id>/verversen", card_views.card_refresh, name="portal-card-refresh"),
    # self-registration (manual §3)
    path("registreren", registration_views.terms, name="portal-register"),
    path("registreren/inloggen", registration_views.log_in_now, name="portal-register-login"),
    path("registreren/<str:flow_id>/pas-gelezen", registration_views.card_read, name="portal-register-card-read"),
    path("registreren/<str:flow_id>/gegevens", registration_views.card_data, name="portal-register-card-data"),
    path("registreren/<str:flow_id>/geboortedatum", registration_views.birth_date, name="portal-register-birth-date"),
    path("registreren/<str:flow_id>/samenvatting", registration_views.summary, name="portal-register-summary"),
    path("registreren/<str:flow_id>/qr-code", registration_views.registration_qr, name="portal-register-qr"),
    path("registreren/<str:flow_id>/id", registration_views.installed, name="portal-register-installed"),
    # organisation validation (manual §4)
    path("valideren", validation_views.terms, name="portal-validate"),
    path("valideren/<str:flow_id>/pas-gelezen", validation_views.card_read, name="portal-validate-card-read"),
    path("valideren/<str:flow_id>/organisatie", validation_views.organisation, name="portal-validate-organisation"),
    path("valideren/<str:flow_id>/geslaagd", validation_views.done, name="portal-validate-done"),
    path("valideren/<str:flow_id>/verzoek", admin_request_views.ask, name="portal-validate-ask"),
    path("valideren/<str:flow_id>/verzoek-ingediend", admin_request_views.asked, name="portal-validate-asked"),
    # UZI attributes (manual §5)
    path("attributen", attribute_views.start, name="portal-attributes"),
    path("attributen/<str:flow_id>/koppelen", attribute_views.link, name="portal-attributes-link"),
    path("attributen/gekoppeld", attribute_views.done, name="portal-attributes-done"),
    # the organisation's own administration (R-ROLE-ADM, R-ROLE-BEH)
    path("organisatie/<str:ura>", organisation_views.home, name="portal-org"),
    path("organisatie/<str:ura>/medewerkers", organisation_views.employee_list, name="portal-org-employees"),
    path("organisatie/<str:ura>/audit", audit_views.organisation_audit, name="portal-org-audit"),
    path("organisatie/<str:ura>/administratorverzoeken", admin_request_views.requests_list,
         name="portal-org-admin-requests"),
    path("organisatie/<str:ura>/administratorverzoeken/<int:request_id>", admin_request_views.decide,
         name="portal-org-admin-request-decide"),
    path("organisatie/<str:ura>/medewerkers/nieuw", organisation_views.employee_new, name="portal-org-employee-new"),
    path("organisatie/<str:ura>/medewerkers/importeren", import_views.employee_import,
         name="portal-org-employee-import"),  # before <person_id>: else "importeren" is taken as a person's id
    path("organisatie/<str:ura>/medewerkers/<str:person_id>", organisation_views.employee_detail,
         name="portal-org-employee"),
    path("organisatie/<str:ura>/medewerkers/<str:person_id>/nieuwe-qr", organisation_views.employee_reissue,
         name="portal-org-employee-reissue"),
    path("organisatie/<str:ura>/medewerkers/<str:person_id>/overdracht", organisation_views.handover,
         name="portal-org-handover"),
    path("organisatie/<str:ura>/medewerkers/<str:person_id>/gegevens", correction_views.correct,
         name="portal-org-employee-correct"),  # before <action>: else "gegevens" is taken as an action
    path("organisatie/<str:ura>/medewerkers/<str:person_id>/<str:action>", organisation_views.employee_action,
         name="portal-org-employee-action"),
    # the ZORG-ID Smartcard: making it, logging in with it, managing it
    path("", include("zorgid.portal.smartcard_urls")),
    path("", include("zorgid.portal.smartcard_login_urls")),
    path("", include("zorgid.portal.smartcard_admin_urls")),
    # the operator's back office (R-ROLE-OPR)
    path("beheer/organisaties", operator_views.organisations, name="portal-operator-organisations"),
    path("beheer/audit", audit_views.operator_audit, name="portal-operator-audit"),
    # for the load balancer and the monitoring (docs/security.md, "Health and metrics")
    path("health/live", health_views.live, name="health-live"),
    path("health/ready", health_views.ready, name="health-ready"),
    path("metrics", health_views.metrics_view, name="metrics"),
    # development mail, acceptatie only (productie: 404 ZID-NOT-FOUND)
    path("dev/mail", devmail_views.mail_list, name="dev-mail"),
    path("dev/mail/<str:stem>", devmail_views.mail_detail, name="dev-mail-detail"),
    path("dev/mail/<str:stem>/<str:name>", devmail_views.mail_attachment, name="dev-mail-attachment"),
]
