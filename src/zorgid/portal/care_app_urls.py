"""The register of accepted healthcare applications: the public list and the operator's pages."""

urlpatterns: list = []
