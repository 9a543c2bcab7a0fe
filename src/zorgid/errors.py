"""Server-wide errors that belong to no single domain (R-ERR)."""

from zorgid.protocol.errors import ZorgidError


class NotFound(ZorgidError):
    code = "ZID-NOT-FOUND"
    status = 404
    cause_nl = "Deze pagina of dit adres bestaat niet."
    cause_en = "This page or address does not exist."
    solution_nl = "Controleer het adres, of begin opnieuw op de startpagina van het ZORG-ID Portaal."
    solution_en = "Check the address, or start again on the ZORG-ID Portal's start page."


class DatabaseNotReady(ZorgidError):
    code = "ZID-DATABASE"
    status = 503
    cause_nl = "De database is niet bereikbaar of nog niet bijgewerkt."
    cause_en = "The database cannot be reached or has not been brought up to date."
    solution_nl = "Controleer DATABASE_URL en draai 'zorgid migrate'."
    solution_en = "Check DATABASE_URL and run 'zorgid migrate'."


class ProductionUnsafe(ZorgidError):
    code = "ZID-CONFIG-PRODUCTIE"
    status = 500
    cause_nl = "De server start niet in productie: een instelling is niet veilig (zie Detail)."
    cause_en = "The server does not start in productie: a setting is not safe (see Detail)."
    solution_nl = ("Zet ZORGID_BASE_URL op het https://-adres van het portaal, geef een eigen geheime sleutel "
                   "(ZORGID_SECRET_KEY, minstens 50 willekeurige tekens; of laat hem weg voor een willekeurige sleutel "
                   "in ZORGID_HOME) en laat ZORGID_DEBUG weg; start daarna opnieuw.")
    solution_en = ("Set ZORGID_BASE_URL to the portal's https:// address, give a secret key of your own "
                   "(ZORGID_SECRET_KEY, at least 50 random characters; or leave it out for a random key in "
                   "ZORGID_HOME) and leave out ZORGID_DEBUG; then start again.")


class LogFormatUnknown(ZorgidError):
    code = "ZID-CONFIG-LOG-FORMAT"
    status = 500
    cause_nl = "ZORGID_LOG_FORMAT heeft een onbekende waarde (zie Detail)."
    cause_en = "ZORGID_LOG_FORMAT has an unknown value (see Detail)."
    solution_nl = ("Zet ZORGID_LOG_FORMAT op json (één JSON-object per regel) of text (leesbare regels), of laat "
                   "hem weg: dan json, behalve op een terminal.")
    solution_en = ("Set ZORGID_LOG_FORMAT to json (one JSON object per line) or text (readable lines), or leave it "
                   "out: then json, except on a terminal.")
