"""The migrations are in step with the models: a model change without its migration fails here."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_migrations_are_in_step_with_the_models():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail("a model change without its migration:\n" + out.getvalue())
