"""The JSON API the app client uses, with its OpenAPI schema at /api/schema/."""
