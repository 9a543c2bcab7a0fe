"""Server-wide errors that belong to no single domain (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class DatabaseNotReady(ZorgidError):
    code = "ZID-DATABASE"
    status = 503
    cause_nl = "De database is niet bereikbaar of nog niet bijgewerkt."
    cause_en = "The database cannot be reached or has not been brought up to date."
    solution_nl = "Controleer DATABASE_URL en draai 'zorgid migrate'."
    solution_en = "Check DATABASE_URL and run 'zorgid migrate'."
