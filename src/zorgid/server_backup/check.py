"""``zorgid check``: what of the current configuration is unsafe for productie, each finding with its code, how
serious it is and the fix (docs/security.md, "zorgid check"). Productie's own start checks (production.py,
ZID-CONFIG-PRODUCTIE: zorgid.E001-E005) come first, as they are; the ones below (zorgid.E1xx unsafe, zorgid.W1xx
a warning) are about the installation around them: keys, files, mail, the audit anchor and the CRLs.

Every text in Dutch, or English with ``zorgid check --lang en`` or an English environment: the language of the run
(zorgid.protocol.language, chosen as the client programs choose it), each text written in both side by side.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from zorgid import restore_marker
from zorgid.pki.signing_keys import CONFIG_FILE as PKCS11_CONFIG
from zorgid.pki.signing_keys import PIN_FILE_ENV, load_config
from zorgid.production import unsafe_settings
from zorgid.protocol.errors import ZorgidError
from zorgid.protocol.language import tr

from . import contents

UNSAFE, WARNING = "onveilig", "waarschuwing"
SEVERITY_TEXTS = {UNSAFE: ("onveilig", "unsafe"), WARNING: ("waarschuwing", "warning")}
# settings naming secret files that may live outside ZORGID_HOME (when the installation has them)
SECRET_FILE_SETTINGS = ("ZORGID_AUDIT_KEY", "ZORGID_KEYSHARE_KEYS")
MIN_METRICS_TOKEN = 32


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    text: str
    fix: str

    @property
    def severity_text(self) -> str:
        """How serious it is, in the language of the run."""
        return tr(*SEVERITY_TEXTS[self.severity])


def findings() -> list[Finding]:
    found = [Finding(message.id or "zorgid.E000", UNSAFE, message.msg, message.hint or "")
             for message in unsafe_settings()]
    home = Path(settings.ZORGID_HOME)
    if settings.ZORGID_ENVIRONMENT != "productie":
        found.append(Finding("zorgid.E101", UNSAFE, tr(
            f"ZORGID_ENVIRONMENT is {settings.ZORGID_ENVIRONMENT}: de test-UZI-CA wordt vertrouwd en de "
            "ontwikkelpagina's (/dev/mail) staan aan",
            f"ZORGID_ENVIRONMENT is {settings.ZORGID_ENVIRONMENT}: the test UZI CA is trusted and the development "
            "pages (/dev/mail) are on"),
            tr("Zet ZORGID_ENVIRONMENT=productie.", "Set ZORGID_ENVIRONMENT=productie.")))
    found += _ca_keys(home / "ca")
    if not settings.ZORGID_SMTP_HOST:
        found.append(Finding("zorgid.E103", UNSAFE, tr(
            f"ZORGID_SMTP_HOST is niet gezet: e-mail wordt niet verstuurd maar op schijf bewaard in "
            f"{settings.ZORGID_DEV_MAIL_DIR}",
            f"ZORGID_SMTP_HOST is not set: mail is not sent but kept on disk in {settings.ZORGID_DEV_MAIL_DIR}"),
            tr("Zet ZORGID_SMTP_HOST (en ZORGID_SMTP_PORT, _USER, _PASSWORD, _STARTTLS) en draai 'zorgid mail send'.",
               "Set ZORGID_SMTP_HOST (and ZORGID_SMTP_PORT, _USER, _PASSWORD, _STARTTLS) and run 'zorgid mail "
               "send'.")))
    found += _readable_secrets(home)
    anchor = Path(settings.ZORGID_AUDIT_ANCHOR)
    if anchor.is_relative_to(home):
        found.append(Finding("zorgid.W105", WARNING, tr(
            f"het anker van het auditlog ({anchor}) staat in ZORGID_HOME: wie de server en de database kan wijzigen, "
            "kan ook het anker terugzetten",
            f"the anchor of the audit log ({anchor}) is in ZORGID_HOME: whoever can change the server and the "
            "database can roll the anchor back too"),
            tr("Zet ZORGID_AUDIT_ANCHOR op aparte opslag (alleen-toevoegen: chattr +a, een mount van een andere "
               "machine, WORM).",
               "Put ZORGID_AUDIT_ANCHOR on separate storage (append-only: chattr +a, a mount from another machine, "
               "WORM).")))
    if not settings.ZORGID_UZI_CRL_DIR:
        found.append(Finding("zorgid.E106", UNSAFE, tr(
            "ZORGID_UZI_CRL_DIR is niet gezet: ingetrokken UZI-passen worden niet herkend",
            "ZORGID_UZI_CRL_DIR is not set: revoked UZI cards are not recognised"),
            tr("Zet ZORGID_UZI_CRL_DIR op een map met de CRL's van het UZI-register (*.crl) en houd ze bij met cron.",
               "Set ZORGID_UZI_CRL_DIR to a directory with the CRLs of the UZI register (*.crl) and keep them up to "
               "date with cron.")))
    found += _metrics()
    interrupted = restore_marker.incomplete()
    if interrupted is not None:
        backup = interrupted.get("backup", "?")
        found.append(Finding("zorgid.E108", UNSAFE, tr(
            f"een terugzetactie van {backup} is afgebroken: de database en de bestanden van ZORGID_HOME passen "
            "misschien niet bij elkaar (zorgid serve start niet)",
            f"a restore of {backup} was interrupted: the database and the files of ZORGID_HOME may not belong "
            "together (zorgid serve does not start)"),
            tr("Draai 'zorgid restore BESTAND --force' opnieuw, met dezelfde back-up.",
               "Run 'zorgid restore FILE --force' again, with the same backup.")))
    staging = contents.leftover_staging(home)
    if staging:
        names, remove = ", ".join(path.name for path in staging), " ".join(["rm -r", *map(str, staging)])
        found.append(Finding("zorgid.E109", UNSAFE, tr(
            f"in ZORGID_HOME staan tussenmappen van een afgebroken terugzetactie of back-up ({names}): de "
            "back-up onversleuteld, sleutels inbegrepen",
            f"ZORGID_HOME holds staging directories of an interrupted restore or backup ({names}): the backup "
            "unencrypted, keys included"),
            tr(f"Verwijder ze ({remove}), of draai de terugzetactie of back-up opnieuw: 'zorgid restore' en "
               "'zorgid backup' verwijderen ze ook.",
               f"Remove them ({remove}), or run the restore or backup again: 'zorgid restore' and 'zorgid backup' "
               "remove them too.")))
    return found


def _ca_keys(ca_dir: Path) -> list[Finding]:
    files = sorted(path.name for path in ca_dir.glob("*.key.pem"))
    if (ca_dir / PKCS11_CONFIG).exists():
        if files:
            return [Finding("zorgid.E102", UNSAFE, tr(
                f"de CA-sleutels staan op een token, maar in {ca_dir} liggen nog sleutelbestanden ({', '.join(files)})",
                f"the CA keys are on a token, but {ca_dir} still holds key files ({', '.join(files)})"),
                tr("Verwijder de oude sleutelbestanden (na een versleutelde back-up ervan, als ze nog nodig zijn).",
                   "Remove the old key files (after an encrypted backup of them, if they are still needed)."))]
        return []
    if not files:
        return []
    return [Finding("zorgid.E102", UNSAFE, tr(
        f"de CA-sleutels zijn bestanden in {ca_dir} ({', '.join(files)}): wie ze kopieert, kan Mobile ID's uitgeven",
        f"the CA keys are files in {ca_dir} ({', '.join(files)}): whoever copies them can issue Mobile IDs"),
        tr("Maak de CA-sleutels op een HSM: zorgid ca init --pkcs11-module … --token-label … (docs/security.md, "
           "'Keys in an HSM').",
           "Make the CA keys on an HSM: zorgid ca init --pkcs11-module … --token-label … (docs/security.md, "
           "'Keys in an HSM')."))]


def _secret_files(home: Path) -> list[Path]:
    secrets = [home / "secret_key"]
    for relative in contents.home_files(home, Path(settings.ZORGID_AUDIT_ANCHOR)):
        name = relative.name.lower()
        if (relative.parts[0] == "oidc" or "key" in name and not name.endswith(".cert.pem")
                or name.endswith((".p12", ".pin"))):
            secrets.append(home / relative)
    for setting in SECRET_FILE_SETTINGS:
        if getattr(settings, setting, None):
            secrets.append(Path(getattr(settings, setting)))
    try:
        token = load_config(home / "ca")
    except ZorgidError:
        token = None  # a broken token configuration: zorgid serve refuses it with its own code
    if token is not None and token.pin_file:
        secrets.append(Path(token.pin_file))
    if os.environ.get(PIN_FILE_ENV):
        secrets.append(Path(os.environ[PIN_FILE_ENV]))
    return sorted({path for path in secrets if path.exists() and not path.is_symlink()})


def _readable_secrets(home: Path) -> list[Finding]:
    found = []
    if stat.S_IMODE(home.stat().st_mode) & 0o077:
        mode = stat.S_IMODE(home.stat().st_mode)
        found.append(Finding("zorgid.E104", UNSAFE, tr(
            f"ZORGID_HOME ({home}) is te lezen door groep of anderen (rechten {mode:o})",
            f"ZORGID_HOME ({home}) can be read by group or others (permissions {mode:o})"), f"chmod 700 {home}"))
    for path in _secret_files(home):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            found.append(Finding("zorgid.E104", UNSAFE, tr(
                f"{path} is te lezen door groep of anderen (rechten {mode:o})",
                f"{path} can be read by group or others (permissions {mode:o})"), f"chmod 600 {path}"))
    return found


def _metrics() -> list[Finding]:
    token = getattr(settings, "ZORGID_METRICS_TOKEN", "")
    networks = getattr(settings, "ZORGID_METRICS_NETWORKS", [])
    found = []
    if token and len(token) < MIN_METRICS_TOKEN:
        found.append(Finding("zorgid.E107", UNSAFE, tr(
            f"ZORGID_METRICS_TOKEN is korter dan {MIN_METRICS_TOKEN} tekens",
            f"ZORGID_METRICS_TOKEN is shorter than {MIN_METRICS_TOKEN} characters"),
            tr(f"Geef /metrics een willekeurig token van minstens {MIN_METRICS_TOKEN} tekens.",
               f"Give /metrics a random token of at least {MIN_METRICS_TOKEN} characters.")))
    broad = []
    for network in networks:
        try:
            if ipaddress.ip_network(network, strict=False).prefixlen == 0:
                broad.append(network)
        except ValueError:
            broad.append(network)
    if broad:
        found.append(Finding("zorgid.E107", UNSAFE, tr(
            f"ZORGID_METRICS_NETWORKS laat iedereen toe ({', '.join(broad)})",
            f"ZORGID_METRICS_NETWORKS lets everyone in ({', '.join(broad)})"),
            tr("Noem alleen de netwerken van de eigen monitoring.",
               "Name only the networks of the installation's own monitoring.")))
    return found
