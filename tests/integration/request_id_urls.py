"""zorgid's URLs and one page with a bug, for the test of what an unhandled exception logs and answers."""

from django.urls import path

from zorgid.urls import urlpatterns as zorgid_urlpatterns


def broken_page(request):
    raise RuntimeError("een fout in de code")


urlpatterns = [path("test/kapot", broken_page, name="test-broken"), *zorgid_urlpatterns]
handler404 = "zorgid.portal.views.not_found"
handler500 = "zorgid.portal.views.server_error"
