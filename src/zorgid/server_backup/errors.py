"""Errors of the server's backup and restore (R-ERR): each with a code, cause and solution in Dutch and English."""

from zorgid.protocol.errors import ZorgidError


class BackupError(ZorgidError):
    """Base of the backup errors (no code of its own)."""

    status = 400


class PassphraseTooShort(BackupError):
    code = "ZID-BACKUP-PASSPHRASE-SHORT"
    cause_nl = "De wachtzin voor de back-up is te kort (minstens 12 tekens)."
    cause_en = "The backup's passphrase is too short (at least 12 characters)."
    solution_nl = "Kies een wachtzin van minstens 12 tekens en bewaar hem los van de back-up."
    solution_en = "Choose a passphrase of at least 12 characters and keep it apart from the backup."


class NoPassphrase(BackupError):
    code = "ZID-BACKUP-PASSPHRASE-MISSING"
    cause_nl = "Er is geen wachtzin gegeven en er kan er geen gevraagd worden (geen terminal)."
    cause_en = "No passphrase was given and none can be asked for (no terminal)."
    solution_nl = "Zet ZORGID_BACKUP_PASSPHRASE, of gebruik --recipient (back-up) of --identity (terugzetten)."
    solution_en = "Set ZORGID_BACKUP_PASSPHRASE, or use --recipient (backup) or --identity (restore)."


class WrongKey(BackupError):
    code = "ZID-BACKUP-WRONG-KEY"
    cause_nl = "De back-up opent niet met deze wachtzin of deze privésleutel."
    cause_en = "The backup does not open with this passphrase or this private key."
    solution_nl = ("Geef de wachtzin waarmee de back-up is gemaakt, of de privésleutel (--identity) bij de publieke "
                   "sleutel waarvoor hij is gemaakt.")
    solution_en = ("Give the passphrase the backup was made with, or the private key (--identity) of the public key "
                   "it was made for.")


class WrongMode(BackupError):
    code = "ZID-BACKUP-MODE"
    cause_nl = "De back-up is op een andere manier versleuteld dan gevraagd (wachtzin of publieke sleutel)."
    cause_en = "The backup is encrypted in another way than asked (passphrase or public key)."
    solution_nl = ("Een back-up gemaakt met --recipient zet u terug met --identity; een back-up met een wachtzin "
                   "zonder --identity.")
    solution_en = "Restore a backup made with --recipient with --identity; one made with a passphrase without it."


class KeyFileUnusable(BackupError):
    code = "ZID-BACKUP-KEY-FILE"
    cause_nl = "Het sleutelbestand is geen bruikbare PEM-sleutel (RSA van minstens 3072 bits of X25519)."
    cause_en = "The key file is no usable PEM key (RSA of at least 3072 bits, or X25519)."
    solution_nl = ("Geef bij --recipient een publieke sleutel en bij --identity de privésleutel erbij, als PEM "
                   "(bijv. openssl genpkey -algorithm X25519).")
    solution_en = ("Give a public key with --recipient and its private key with --identity, as PEM (e.g. openssl "
                   "genpkey -algorithm X25519).")


class Damaged(BackupError):
    code = "ZID-BACKUP-DAMAGED"
    cause_nl = "Het back-upbestand is afgebroken of gewijzigd; er is niets teruggezet."
    cause_en = "The backup file is truncated or has been changed; nothing was restored."
    solution_nl = "Neem een andere kopie van de back-up (controleer de SHA-256 van het bestand bij het maken ervan)."
    solution_en = "Take another copy of the backup (check the file's SHA-256 against the one of when it was made)."


class UnknownFormat(BackupError):
    code = "ZID-BACKUP-FORMAT"
    cause_nl = "Dit bestand is geen back-up van zorgid of heeft een formaatversie die deze versie niet kent."
    cause_en = "This file is no zorgid backup, or has a format version this version does not know."
    solution_nl = "Zet de back-up terug met de versie van zorgid die hem maakte of een nieuwere."
    solution_en = "Restore the backup with the version of zorgid that made it, or a newer one."


class NewerThanCode(BackupError):
    code = "ZID-BACKUP-NEWER"
    cause_nl = ("De back-up komt van een nieuwere versie van zorgid: de database kent migraties die deze code niet "
                "heeft.")
    cause_en = "The backup comes from a newer version of zorgid: its database has migrations this code does not have."
    solution_nl = "Installeer dezelfde of een nieuwere versie van zorgid en zet de back-up daarmee terug."
    solution_en = "Install the same or a newer version of zorgid and restore the backup with it."


class TargetNotEmpty(BackupError):
    code = "ZID-BACKUP-TARGET-NOT-EMPTY"
    cause_nl = ("Het doel is niet leeg: de database heeft tabellen of ZORGID_HOME heeft sleutels; er is niets "
                "teruggezet.")
    cause_en = "The target is not empty: the database has tables or ZORGID_HOME has keys; nothing was restored."
    solution_nl = ("Zet terug in een lege database en een nieuwe ZORGID_HOME, of geef --force om wat er staat te "
                   "vervangen (wat er stond is daarna weg).")
    solution_en = ("Restore into an empty database and a new ZORGID_HOME, or give --force to replace what is there "
                   "(what was there is gone afterwards).")


class DatabaseKind(BackupError):
    code = "ZID-BACKUP-DATABASE-KIND"
    cause_nl = "De back-up is van een ander soort database (SQLite of PostgreSQL) dan DATABASE_URL."
    cause_en = "The backup is of another kind of database (SQLite or PostgreSQL) than DATABASE_URL."
    solution_nl = "Zet DATABASE_URL op hetzelfde soort database als waarvan de back-up is gemaakt."
    solution_en = "Point DATABASE_URL at the same kind of database the backup was made of."


class DatabaseToolFailed(BackupError):
    code = "ZID-BACKUP-DATABASE-TOOL"
    status = 500
    cause_nl = ("pg_dump of pg_restore ontbreekt, is ouder dan de PostgreSQL-server of de back-up, of is mislukt; "
                "wat pg_restore maakte is teruggedraaid.")
    cause_en = ("pg_dump or pg_restore is missing, older than the PostgreSQL server or the backup, or failed; what "
                "pg_restore made has been rolled back.")
    solution_nl = ("Installeer postgresql-client van dezelfde hoofdversie als de server (scripts/system-deps.sh) en "
                   "lees het Detail.")
    solution_en = ("Install postgresql-client of the server's major version (scripts/system-deps.sh) and read the "
                   "Detail.")
    technical_detail = True


class FileNotReadable(BackupError):
    code = "ZID-BACKUP-FILE"
    cause_nl = "Het back-upbestand kan niet gelezen of geschreven worden."
    cause_en = "The backup file cannot be read or written."
    solution_nl = "Controleer het pad en de rechten; een nieuwe back-up overschrijft geen bestaand bestand."
    solution_en = "Check the path and the permissions; a new backup never overwrites an existing file."


class RestoreIncomplete(BackupError):
    code = "ZID-RESTORE-INCOMPLETE"
    status = 503
    cause_nl = ("Een terugzetactie is afgebroken: de database en de bestanden in ZORGID_HOME (sleutels, auditlog) "
                "komen misschien niet uit dezelfde back-up.")
    cause_en = ("A restore was interrupted: the database and the files in ZORGID_HOME (keys, audit log) may not come "
                "from the same backup.")
    solution_nl = ("Draai `zorgid restore <bestand> --force` opnieuw met de back-up uit het Detail (of een andere "
                   "die u kiest); daarna start de server weer.")
    solution_en = ("Run `zorgid restore <file> --force` again with the backup named in the Detail (or another one "
                   "you choose); then the server starts again.")
