"""care_apps.services: the operator's register. Every action is one transaction with its history row and its audit
event; every bad input is refused with its code and leaves no row behind."""

import datetime as dt
import json

import pytest

from zorgid import clock
from zorgid.audit.models import AuditEvent
from zorgid.care_apps import services
from zorgid.care_apps.errors import (
    CareAppAuthenticationInvalid,
    CareAppDataInvalid,
    CareAppInputError,
    CareAppJwksInvalid,
    CareAppNotFound,
    CareAppRedirectUriInvalid,
    CareAppStateConflict,
    CareAppSuspended,
    CareAppVersionInvalid,
    CareAppVersionRefused,
    CareAppWithdrawn,
    RedirectUriNotRegistered,
)
from zorgid.care_apps.models import CareAppEvent, CareApplication, CareAppStatus, CareAppVersion, VersionState

from .jwks import ec_jwk, jwks, rsa_jwk

pytestmark = pytest.mark.django_db

REDIRECT = "https://ehr.example.nl/oidc/callback"


def add(**changes):
    fields = {"name": "Dossier", "supplier": "Leverancier BV", "versions": ["2.1"], "redirect_uris": [REDIRECT],
              "jwks_uri": "https://ehr.example.nl/jwks", "actor": "cli:test", "ip": "127.0.0.1"}
    return services.add_application(**{**fields, **changes})


def nothing_written():
    return (CareApplication.objects.count(), CareAppVersion.objects.count(), CareAppEvent.objects.count(),
            AuditEvent.objects.filter(event__startswith="care_app.").count()) == (0, 0, 0, 0)


def refused(error, **changes):
    with pytest.raises(error) as caught:
        add(**changes)
    assert nothing_written()
    return caught.value


def test_an_added_application_is_accepted_with_its_versions_history_and_audit_event():
    app = add(versions=["2.1", "2.0", "2.1"], products=["smartcard", "mobiel"],
              post_logout_redirect_uris=["https://ehr.example.nl/uit"],
              backchannel_logout_uri="https://ehr.example.nl/backchannel")
    app.refresh_from_db()
    assert len(app.client_id) == 32 and app.status == CareAppStatus.ACCEPTED
    assert app.products == ["mobiel", "smartcard"]  # the register's order
    assert app.redirect_uris == [REDIRECT] and app.jwks is None and app.jwks_uri == "https://ehr.example.nl/jwks"
    assert sorted(app.versions.values_list("version", "state")) == [("2.0", "accepted"), ("2.1", "accepted")]
    event = app.events.get()
    assert (event.action, event.actor) == ("added", "cli:test")
    audit = AuditEvent.objects.get(event="care_app.added")
    assert audit.subject == f"care_app:{app.client_id}" and audit.ip == "127.0.0.1"
    assert services.application_for_login(app.client_id) == app
    assert app.subject_salt and app.subject_salt != add().subject_salt


def test_products_default_to_mobiel():
    assert add().products == ["mobiel"]


@pytest.mark.parametrize("changes, says", [
    ({"name": ""}, "name is empty"), ({"name": "   "}, "name is empty"), ({"name": None}, "name is empty"),
    ({"name": "x" * 129}, "longer than 128"), ({"name": "a\nb"}, "invisible"), ({"name": "a\x00b"}, "invisible"),
    ({"name": "a\u202eb"}, "invisible"), ({"supplier": ""}, "supplier is empty"),
    ({"supplier": "y" * 10_000}, "longer than 128"),
    ({"products": []}, "at least one product"), ({"products": ["papier"]}, "not one of"),
    ({"products": "mobiel"}, "must be a list"), ({"products": [["mobiel"]]}, "not one of"),
    ({"wid_check_allowed": "true"}, "wid_check_allowed must be true or false"),
    ({"wid_check_allowed": 1}, "wid_check_allowed must be true or false"),
    ({"wid_check_allowed": None}, "wid_check_allowed must be true or false"),
])
def test_bad_data_is_refused(changes, says):
    error = refused(CareAppDataInvalid, **changes)
    assert error.code == "ZID-CARE-APP-INVALID" and error.status == 400 and says in error.detail


@pytest.mark.parametrize("versions", [[], ["2 .1"], [""], ["x" * 33], [None], [2.1], "2.1", None, ["1.0", "é"],
                                      [str(n) for n in range(51)], ["1;DROP"]])
def test_bad_versions_are_refused(versions):
    error = refused(CareAppVersionInvalid, versions=versions)
    assert error.code == "ZID-CARE-APP-VERSION-INVALID"


@pytest.mark.parametrize("uri", [
    "http://ehr.example.nl/callback",  # http only on loopback
    "https://ehr.example.nl/callback#fragment", "https://ehr.example.nl/callback#",
    "/callback", "ehr.example.nl/callback", "https:///callback", "https://", "ftp://ehr.example.nl/x",
    "javascript:alert(1)", "zorgapp://callback", "https://user:pw@ehr.example.nl/cb", "https://ehr.example.nl:99999/",
    "https://ehr.example.nl/a b", "https://ehr.example.nl/\x00", "https://ehr.example.nl/" + "x" * 500, "", None, 5,
    "http://localhost.evil.example/cb", "http://127.0.0.2.evil.example/cb",
])
def test_bad_redirect_uris_are_refused(uri):
    error = refused(CareAppRedirectUriInvalid, redirect_uris=[uri])
    assert error.code == "ZID-CARE-APP-URI-INVALID" and error.status == 400


def test_redirect_uris_are_bounded_and_needed():
    refused(CareAppRedirectUriInvalid, redirect_uris=[])
    refused(CareAppRedirectUriInvalid, redirect_uris=REDIRECT)
    refused(CareAppRedirectUriInvalid, redirect_uris=[f"https://ehr.example.nl/{n}" for n in range(11)])
    refused(CareAppRedirectUriInvalid, post_logout_redirect_uris=["https://ehr.example.nl/uit#x"])
    refused(CareAppRedirectUriInvalid, backchannel_logout_uri="ftp://ehr.example.nl/bc")
    refused(CareAppRedirectUriInvalid, jwks_uri="http://ehr.example.nl/jwks")
    assert len(add(redirect_uris=[f"https://ehr.example.nl/{n}" for n in range(10)]).redirect_uris) == 10


@pytest.mark.parametrize("uri", ["http://127.0.0.1:8080/cb", "http://[::1]/cb", "http://localhost:5000/cb",
                                 "http://LOCALHOST/cb"])
def test_http_on_loopback_in_acceptatie_only(settings, uri):
    settings.ZORGID_ENVIRONMENT = "acceptatie"
    assert add(redirect_uris=[uri]).redirect_uris == [uri]
    settings.ZORGID_ENVIRONMENT = "productie"
    with pytest.raises(CareAppRedirectUriInvalid) as caught:
        add(redirect_uris=[uri])
    assert "only https in productie" in caught.value.detail


def test_an_inline_jwks_of_public_keys_is_kept():
    keys = jwks(rsa_jwk("r1"), ec_jwk("e1"))
    app = add(jwks_uri="", jwks=keys)
    app.refresh_from_db()
    assert app.jwks == keys and app.jwks_uri == ""
    assert add(jwks_uri="", jwks=json.dumps(keys)).jwks == keys  # pasted as text


@pytest.mark.parametrize("make, says", [
    (lambda: jwks(rsa_jwk(private=True)), "private or symmetric key (member 'd')"),
    (lambda: jwks(ec_jwk(private=True)), "private or symmetric key (member 'd')"),
    (lambda: jwks({"kty": "oct", "k": "c2VjcmV0", "kid": "s"}), "private or symmetric key (member 'k')"),
    (lambda: jwks(rsa_jwk(bits=1024)), "RSA key of 1024 bits"),
    (lambda: jwks(ec_jwk(curve="P-384")), "only the EC curve P-256"),
    (lambda: jwks({**ec_jwk(), "kid": ""}), '"kid"'),
    (lambda: jwks({k: v for k, v in ec_jwk().items() if k != "kid"}), '"kid"'),
    (lambda: jwks(ec_jwk("a"), ec_jwk("a")), "occurs twice"),
    (lambda: jwks({**ec_jwk(), "x": "AAAA"}), "cannot be read"),
    (lambda: jwks({**ec_jwk(), "use": "enc"}), 'use must be "sig"'),
    (lambda: jwks({**ec_jwk(), "alg": "HS256"}), "alg 'HS256'"),
    (lambda: jwks({**ec_jwk(), "alg": ["ES256"]}), "alg"),
    (lambda: jwks({**ec_jwk(), "kty": "OKP"}), "kty"),
    (lambda: jwks({**ec_jwk(), "x5u": "a\x00b"}), "U+0000"),
    (lambda: {"keys": []}, '"keys" is empty'),
    (lambda: {"keys": {}}, '"keys"'),
    (lambda: [ec_jwk()], '"keys"'),
    (lambda: {"keys": ["x"]}, "not a JSON object"),
    (lambda: {"keys": [ec_jwk(str(n)) for n in range(21)]}, "more than 20 keys"),
    (lambda: "{not json", "not valid JSON"),
    (lambda: "[" * 100_000, "larger than 64 KiB"),
    (lambda: "[" * 10_000 + "]" * 10_000, "not valid JSON"),
    (lambda: {"keys": [ec_jwk()], "pad": "x" * 70_000}, "larger than 64 KiB"),
    (lambda: {}, '"keys"'),
])
def test_a_bad_jwks_is_refused(make, says):
    error = refused(CareAppJwksInvalid, jwks_uri="", jwks=make())
    assert error.code == "ZID-CARE-APP-JWKS" and error.status == 400 and says in error.detail, error.detail


@pytest.mark.parametrize("given, count", [
    ({"jwks_uri": ""}, 0),
    ({"tls_ura": "90000382"}, 2),
    ({"jwks_uri": "", "tls_ura": "90000382", "tls_subject_dn": "CN=x"}, 2),
])
def test_exactly_one_way_to_authenticate(given, count):
    error = refused(CareAppAuthenticationInvalid, **given)
    assert error.code == "ZID-CARE-APP-AUTHENTICATION" and f"{count} given" in error.detail


def test_mutual_tls_by_ura_or_subject():
    assert add(jwks_uri="", tls_ura=" 90000382 ").tls_ura == "90000382"
    dn = add(jwks_uri="", tls_subject_dn="CN=ehr.example.nl,O=Leverancier B.V.,C=NL").tls_subject_dn
    assert dn == "CN=ehr.example.nl,O=Leverancier B.V.,C=NL"
    for ura in ("9000038", "abcdefgh", "900003821"):
        with pytest.raises(CareAppAuthenticationInvalid):
            add(jwks_uri="", tls_ura=ura)
    for dn in ("garbage", "CN=", "CN=a,,O=b", "x" * 501):
        with pytest.raises((CareAppAuthenticationInvalid, CareAppDataInvalid)):
            add(jwks_uri="", tls_subject_dn=dn)
    assert CareApplication.objects.count() == 2


def test_suspend_reinstate_withdraw():
    app = add()
    assert services.suspend(app.client_id, actor="cli:t", reason="Storing").status == CareAppStatus.SUSPENDED
    with pytest.raises(CareAppSuspended):
        services.application_for_login(app.client_id)
    with pytest.raises(CareAppStateConflict):
        services.suspend(app.client_id, actor="cli:t")
    assert services.reinstate(app.client_id, actor="cli:t").status == CareAppStatus.ACCEPTED
    assert services.application_for_login(app.client_id) == app
    with pytest.raises(CareAppStateConflict):
        services.reinstate(app.client_id, actor="cli:t")
    assert services.withdraw(app.client_id, actor="cli:t").status == CareAppStatus.WITHDRAWN
    with pytest.raises(CareAppWithdrawn):
        services.application_for_login(app.client_id)
    for action in (services.reinstate, services.suspend, services.withdraw):  # a withdrawn application stays so
        with pytest.raises(CareAppStateConflict) as caught:
            action(app.client_id, actor="cli:t")
        assert caught.value.code == "ZID-CARE-APP-STATE" and caught.value.status == 409
    actions = list(app.events.values_list("action", flat=True))
    assert actions == ["added", "suspended", "reinstated", "withdrawn"]
    assert app.events.get(action="suspended").details == {"status": "suspended", "reason": "Storing"}
    assert list(AuditEvent.objects.filter(event__startswith="care_app.").values_list("event", flat=True)) == [
        "care_app.added", "care_app.suspended", "care_app.reinstated", "care_app.withdrawn"]


def test_a_suspended_application_can_be_withdrawn():
    app = add()
    services.suspend(app.client_id, actor="t")
    assert services.withdraw(app.client_id, actor="t").status == CareAppStatus.WITHDRAWN


@pytest.mark.parametrize("client_id", ["0" * 32, "", None, 5, "x" * 1000])
def test_an_unknown_client_id_is_not_found(client_id):
    for action in (services.suspend, services.withdraw, services.reinstate):
        with pytest.raises(CareAppNotFound) as caught:
            action(client_id, actor="t")
        assert caught.value.code == "ZID-CARE-APP-NOT-FOUND" and caught.value.status == 404
    with pytest.raises(CareAppNotFound):
        services.accept_version(client_id, "1.0", actor="t")
    assert AuditEvent.objects.count() == 0


def test_a_bad_reason_changes_nothing():
    app = add()
    with pytest.raises(CareAppDataInvalid):
        services.suspend(app.client_id, actor="t", reason="x" * 501)
    app.refresh_from_db()
    assert app.status == CareAppStatus.ACCEPTED and app.events.count() == 1


def test_versions_are_accepted_and_refused():
    app = add(versions=["2.1"])
    services.accept_version(app.client_id, "2.2", actor="t")
    assert services.check_version(app, "2.2") == "2.2"
    services.refuse_version(app.client_id, "2.1", actor="t")
    with pytest.raises(CareAppVersionRefused) as caught:
        services.check_version(app, "2.1")
    assert "refused" in caught.value.detail
    row = services.accept_version(app.client_id, "2.1", actor="t")
    assert row.state == VersionState.ACCEPTED
    services.refuse_version(app.client_id, "3.0-beta", actor="t")  # refused before it is ever accepted
    assert app.versions.get(version="3.0-beta").state == VersionState.REFUSED
    with pytest.raises(CareAppStateConflict):
        services.accept_version(app.client_id, "2.2", actor="t")
    with pytest.raises(CareAppStateConflict):
        services.refuse_version(app.client_id, "3.0-beta", actor="t")
    for bad in ("", "x" * 33, "1 0", None):
        with pytest.raises(CareAppVersionInvalid):
            services.accept_version(app.client_id, bad, actor="t")
    assert [e.details for e in app.events.filter(action__startswith="version_")] == [
        {"version": "2.2"}, {"version": "2.1"}, {"version": "2.1"}, {"version": "3.0-beta"}]
    assert AuditEvent.objects.filter(event="care_app.version_refused").count() == 2


def test_the_versions_of_a_withdrawn_application_no_longer_change():
    app = add()
    services.withdraw(app.client_id, actor="t")
    with pytest.raises(CareAppStateConflict):
        services.accept_version(app.client_id, "9.0", actor="t")


def test_the_public_list_shows_accepted_applications_and_versions_per_product():
    mobile = add(name="Alpha EPD", versions=["9.2", "10.0", "1.0"])
    services.refuse_version(mobile.client_id, "1.0", actor="t")
    both = add(name="Beta HIS", supplier="Beta BV", products=["mobiel", "smartcard"], versions=["3"])
    card = add(name="Gamma", products=["smartcard"], versions=["1"])
    services.suspend(add(name="Geschorst").client_id, actor="t")
    services.withdraw(add(name="Ingetrokken").client_id, actor="t")
    no_version = add(name="Zonder versie", versions=["1"])
    services.refuse_version(no_version.client_id, "1", actor="t")
    listing = {product.product: product for product in services.public_list()}
    assert list(listing) == ["mobiel", "smartcard"]
    assert [(a.name, a.supplier, a.versions) for a in listing["mobiel"].applications] == [
        ("Alpha EPD", "Leverancier BV", ["10.0", "9.2"]), ("Beta HIS", "Beta BV", ["3"])]
    assert [a.name for a in listing["smartcard"].applications] == ["Beta HIS", "Gamma"]
    assert card.client_id and both.client_id


def test_listed_and_get():
    apps = [add(name=name) for name in ("B", "A")]
    assert [app.name for app in services.listed()] == ["A", "B"]
    assert services.get(apps[0].client_id) == apps[0]
    assert [row.version for row in services.versions_of(add(versions=["2.9", "2.10", "2.1"]))] == ["2.10", "2.9", "2.1"]


def test_the_clock_dates_the_history():
    clock.move(dt.timedelta(days=400))
    app = add()
    assert app.events.get().at == app.created_at
    assert abs(app.created_at - clock.now()) < dt.timedelta(seconds=5)


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"), ({"supplier": ""}, "supplier"), ({"versions": []}, "versions"),
    ({"redirect_uris": ["x"]}, "redirect_uris"), ({"products": ["x"]}, "products"),
    ({"post_logout_redirect_uris": ["x"]}, "post_logout_redirect_uris"),
    ({"backchannel_logout_uri": "x"}, "backchannel_logout_uri"), ({"jwks_uri": "x"}, "jwks_uri"),
    ({"jwks_uri": "", "jwks": "{}"}, "jwks"), ({"jwks_uri": "", "tls_ura": "1"}, "tls_ura"),
    ({"jwks_uri": "", "tls_subject_dn": "garbage"}, "tls_subject_dn"), ({"jwks_uri": ""}, ""),
])
def test_an_input_error_names_its_field(changes, field):
    with pytest.raises(CareAppInputError) as caught:
        add(**changes)
    assert caught.value.field == field


def test_the_operator_changes_addresses_keys_and_names():
    app = add(post_logout_redirect_uris=["https://ehr.example.nl/uit"],
              backchannel_logout_uri="https://ehr.example.nl/bc")
    keys = jwks(ec_jwk("new"))
    changed = services.change_application(app.client_id, redirect_uris=["https://ehr.example.nl/nieuw"],
                                          jwks=keys, backchannel_logout_uri="", name="Dossier 2", actor="cli:t")
    changed.refresh_from_db()
    assert changed.redirect_uris == ["https://ehr.example.nl/nieuw"] and changed.name == "Dossier 2"
    assert changed.jwks == keys and changed.jwks_uri == "" and changed.backchannel_logout_uri == ""
    assert changed.post_logout_redirect_uris == ["https://ehr.example.nl/uit"]  # not given: unchanged
    event = changed.events.get(action="changed")
    assert event.details == {"name": "Dossier 2", "redirect_uris": ["https://ehr.example.nl/nieuw"],
                             "backchannel_logout_uri": "", "authentication": "private_key_jwt (jwks: new)"}
    assert AuditEvent.objects.filter(event="care_app.changed", actor="cli:t").count() == 1
    with pytest.raises(RedirectUriNotRegistered):
        services.check_redirect_uri(changed, REDIRECT)
    assert services.change_application(app.client_id, post_logout_redirect_uris=[], actor="t"
                                       ).post_logout_redirect_uris == []


@pytest.mark.parametrize("changes, error", [
    ({}, CareAppDataInvalid),
    ({"redirect_uris": []}, CareAppRedirectUriInvalid),
    ({"redirect_uris": ["https://x.example/#f"]}, CareAppRedirectUriInvalid),
    ({"jwks": jwks(ec_jwk(private=True))}, CareAppJwksInvalid),
    ({"jwks_uri": "https://x.example/jwks", "tls_ura": "90000382"}, CareAppAuthenticationInvalid),
    ({"jwks_uri": ""}, CareAppAuthenticationInvalid),
    ({"name": "", "supplier": "Nieuw"}, CareAppDataInvalid),
])
def test_a_bad_change_changes_nothing(changes, error):
    app = add()
    before = CareApplication.objects.filter(pk=app.pk).values().get()
    with pytest.raises(error):
        services.change_application(app.client_id, **changes, actor="t")
    assert CareApplication.objects.filter(pk=app.pk).values().get() == before
    assert app.events.count() == 1


def test_a_withdrawn_or_unknown_application_is_not_changed():
    app = add()
    services.withdraw(app.client_id, actor="t")
    with pytest.raises(CareAppStateConflict):
        services.change_application(app.client_id, name="Nieuw", actor="t")
    with pytest.raises(CareAppNotFound):
        services.change_application("0" * 32, name="Nieuw", actor="t")
