"""``zorgid ca init --pkcs11-module … --token-label …``: the CA keys made on a PKCS#11 token (docs/security.md,
"Keys in an HSM").

On a token without them, the root, Mobile ID CA and smartcard CA key pairs (EC P-256) and the first ID-token key
(RSA 3072) are generated on the token (CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, not CKA_EXTRACTABLE, sign only),
the CA certificates are issued with them and stored on the token beside their keys. On a token that has them
(a second instance), nothing is generated: the certificates are read from the token. Either way the
instance's ZORGID_HOME/ca gets pkcs11.json and the certificate files, and ZORGID_HOME/oidc a reference per
ID-token key (``NNNN-<kid>.pkcs11``: the key's label and public key; its modification time is when it was
published).

The token is where the instances learn of each other's ID-token keys: beside each key a data object with its
label holds when it was published (ISO 8601, as the instance that made it recorded it: ``zorgid oidc keys rotate``,
``--now`` included), and a data object ``<label>-retired`` says that it was retired (``zorgid oidc keys retire``).
:func:`listed_oidc_keys` reads them and :func:`bring_in_step` makes an instance's oidc directory say the same
(new references with the recorded publication time, retired keys moved to ``retired/``); oidc/keys.py does so at
its listing, at most every ``SYNC_SECONDS`` per process, so every instance publishes a rotated key, and switches
to it, at the same moments as the one that made it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from zorgid import clock
from zorgid.config import write_private_file

from .ca import (
    CA_KEY_FILES,
    ISSUING_VALIDITY,
    MOBILE_ID_CA,
    ROOT_VALIDITY,
    CertificateAuthority,
    SoftwareKey,
    _ca_builder,
    _ca_name,
)
from .errors import CaExists, HsmFailed, HsmKeyConflict, HsmKeyNotFound
from .signing_keys import (
    CA_ROLES,
    Token,
    TokenConfig,
    TokenEcKey,
    load_config,
    open_session,
    token_for,
    write_config,
)

OIDC_KEY_BITS = 3072
REFERENCE_SUFFIX = ".pkcs11"
RETIRED_DIRECTORY = "retired"  # the retired keys' references, under oidc/ (oidc/keys.py RETIRED)
RETIRED_SUFFIX = "-retired"  # the data object that says an ID-token key was retired: <label>-retired
_CA_NAMES = {"root": "Root CA", MOBILE_ID_CA: "Mobile ID CA", "smartcard": "Smartcard CA"}


def _rw_session(config: TokenConfig):
    """A read-write session on the token, for writing keys and records. This process's signing session (if one is
    open: oidc/keys.py read the token's record) is closed first: a token logs the user in once per process, and a
    second login is refused (CKR_USER_ALREADY_LOGGED_IN); the next signature opens it again."""
    token_for(config).forget()
    return open_session(config, rw=True)


def oidc_label(prefix: str, number: int) -> str:
    return f"{prefix}-oidc-{number:04d}"


def _objects(session, object_class, label: str) -> list:
    from pkcs11 import Attribute
    from pkcs11.exceptions import PKCS11Error

    try:
        return list(session.get_objects({Attribute.CLASS: object_class, Attribute.LABEL: label}))
    except PKCS11Error as exc:
        raise HsmFailed(f"finding {label!r}: {type(exc).__name__}") from exc


def _private_template(label: str) -> dict:
    from pkcs11 import Attribute

    return {Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False,
            Attribute.SIGN: True, Attribute.DECRYPT: False, Attribute.UNWRAP: False, Attribute.DERIVE: False,
            Attribute.LABEL: label, Attribute.ID: label.encode()}


def _public_template(label: str) -> dict:
    from pkcs11 import Attribute

    return {Attribute.TOKEN: True, Attribute.PRIVATE: False, Attribute.VERIFY: True, Attribute.ENCRYPT: False,
            Attribute.WRAP: False, Attribute.LABEL: label, Attribute.ID: label.encode()}


def _generate_ec(session, label: str) -> ec.EllipticCurvePublicKey:
    from pkcs11 import Attribute, KeyType
    from pkcs11.exceptions import PKCS11Error
    from pkcs11.util.ec import encode_named_curve_parameters

    try:
        parameters = session.create_domain_parameters(KeyType.EC, {
            Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
        public, _ = parameters.generate_keypair(store=True, public_template=_public_template(label),
                                                private_template=_private_template(label))
        point = _unwrap_octet_string(bytes(public[Attribute.EC_POINT]))  # DER OCTET STRING (PKCS#11 2.40)
    except PKCS11Error as exc:
        raise HsmFailed(f"generating {label!r}: {type(exc).__name__}") from exc
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)


def _unwrap_octet_string(der: bytes) -> bytes:
    from asn1crypto.core import OctetString

    return OctetString.load(der).native


def _ec_public(session, label: str) -> ec.EllipticCurvePublicKey:
    from pkcs11 import Attribute, ObjectClass

    found = _objects(session, ObjectClass.PUBLIC_KEY, label)
    if len(found) != 1:
        raise HsmKeyNotFound(f"{label!r}: {len(found)} public keys with this label")
    return ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), _unwrap_octet_string(bytes(found[0][Attribute.EC_POINT])))


def _generate_rsa(session, label: str) -> rsa.RSAPublicKey:
    return _rsa_numbers(_generate_rsa_pair(session, label)[0])


def _generate_rsa_pair(session, label: str) -> tuple:
    """A new RSA key pair on the token labelled ``label``: its public and private key objects."""
    from pkcs11 import KeyType
    from pkcs11.exceptions import PKCS11Error

    try:
        return session.generate_keypair(KeyType.RSA, OIDC_KEY_BITS, store=True,
                                        public_template=_public_template(label),
                                        private_template=_private_template(label))
    except PKCS11Error as exc:
        raise HsmFailed(f"generating {label!r}: {type(exc).__name__}") from exc


def _rsa_numbers(public) -> rsa.RSAPublicKey:
    from pkcs11 import Attribute

    return rsa.RSAPublicNumbers(int.from_bytes(bytes(public[Attribute.PUBLIC_EXPONENT]), "big"),
                                int.from_bytes(bytes(public[Attribute.MODULUS]), "big")).public_key()


def _store_certificate(session, label: str, certificate: x509.Certificate) -> None:
    from asn1crypto import core
    from pkcs11 import Attribute, CertificateType, ObjectClass

    session.create_object({
        Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True, Attribute.PRIVATE: False, Attribute.LABEL: label, Attribute.ID: label.encode(),
        Attribute.SUBJECT: certificate.subject.public_bytes(), Attribute.ISSUER: certificate.issuer.public_bytes(),
        Attribute.SERIAL_NUMBER: core.Integer(certificate.serial_number).dump(),
        Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
    })


def _certificate(session, label: str) -> x509.Certificate | None:
    from pkcs11 import Attribute, ObjectClass

    found = _objects(session, ObjectClass.CERTIFICATE, label)
    return x509.load_der_x509_certificate(bytes(found[0][Attribute.VALUE])) if found else None


def _store_data(session, label: str, value: bytes) -> None:
    from pkcs11 import Attribute, ObjectClass

    session.create_object({Attribute.CLASS: ObjectClass.DATA, Attribute.TOKEN: True, Attribute.PRIVATE: False,
                           Attribute.LABEL: label, Attribute.APPLICATION: "zorgid", Attribute.VALUE: value})


def _data(session, label: str) -> bytes | None:
    from pkcs11 import Attribute, ObjectClass

    found = _objects(session, ObjectClass.DATA, label)
    return bytes(found[0][Attribute.VALUE]) if found else None


def init(ca_dir: Path, oidc_dir: Path, config: TokenConfig, environment: str,
         oidc_number: int = 1) -> tuple[bool, list[str]]:
    """Make (or find) the keys and certificates on the token and record them for this instance; a new token's
    first ID-token key gets the number ``oidc_number`` (after this instance's file keys, if any).

    Returns whether the keys were made now, and the labels of the ID-token keys referenced."""
    from pkcs11 import ObjectClass

    ca_dir, oidc_dir = Path(ca_dir), Path(oidc_dir)
    if load_config(ca_dir) is None and (ca_dir / "issuing.cert.pem").exists():
        raise CaExists(str(ca_dir))
    session = _rw_session(config)
    try:
        token = Token(config)
        token._session, token._pid = session, os.getpid()  # this session signs the new certificates
        made = not _objects(session, ObjectClass.PRIVATE_KEY, config.keys["root"])
        certificates = _ca_certificates(session, token, config, environment, made)
        oidc = _oidc_keys(session, config, made, oidc_number, oidc_dir)
    finally:
        session.close()
    ca_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for role, (cert_file, _key_file) in CA_KEY_FILES.items():
        path = ca_dir / cert_file
        pem = certificates[role].public_bytes(serialization.Encoding.PEM)
        if not path.exists() or path.read_bytes() != pem:
            path.unlink(missing_ok=True)
            write_private_file(path, pem)
    write_config(ca_dir, config)
    bring_in_step(oidc_dir, oidc)
    return made, [key.label for key in oidc]


def _ca_certificates(session, token: Token, config: TokenConfig, environment: str,
                     made: bool) -> dict[str, x509.Certificate]:
    labels = config.keys
    if not made:
        found = {role: _certificate(session, labels[role]) for role in CA_ROLES}
        missing = [role for role, cert in found.items() if cert is None]
        if missing:
            raise HsmKeyNotFound(f"no certificate on the token for {', '.join(missing)}")
        return found
    from pkcs11 import ObjectClass

    for role in CA_ROLES:
        if _objects(session, ObjectClass.PRIVATE_KEY, labels[role]):
            raise HsmKeyNotFound(f"{labels[role]!r} is on the token without the root key")
    publics = {role: _generate_ec(session, labels[role]) for role in CA_ROLES}
    root_name = _ca_name(f"zorgid {environment} {_CA_NAMES['root']}", environment)
    root_key = TokenEcKey(token, labels["root"], publics["root"])
    root = _ca_builder(root_name, publics["root"], ROOT_VALIDITY, 1).issuer_name(root_name).sign(
        root_key, hashes.SHA256())
    authority = CertificateAuthority(root, root, SoftwareKey(root_key))
    certificates = {"root": root}
    for role in (MOBILE_ID_CA, "smartcard"):
        certificates[role] = authority.issue(_ca_builder(
            _ca_name(f"zorgid {environment} {_CA_NAMES[role]}", environment), publics[role], ISSUING_VALIDITY, 0))
    for role in CA_ROLES:
        _store_certificate(session, labels[role], certificates[role])
    return certificates


_OIDC = re.compile(r"^(.+)-oidc-(\d{4,})$")


@dataclass(frozen=True)
class OidcKeyOnToken:
    """An ID-token key as the token records it: label, number, public key, when it was published (None when the
    token holds no time for it) and whether it was retired."""

    label: str
    number: int
    public: rsa.RSAPublicKey
    published: dt.datetime | None
    retired: bool

    @property
    def file_name(self) -> str:
        from joserfc.jwk import RSAKey

        return f"{self.number:04d}-{RSAKey.import_key(self.public).thumbprint()}{REFERENCE_SUFFIX}"


def _moment(value: bytes | None) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value.decode()) if value else None
    except (UnicodeDecodeError, ValueError):
        return None
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def _listed(session, prefix: str) -> list[OidcKeyOnToken]:
    """The ID-token keys with the label prefix ``prefix`` on the token, oldest first."""
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import PKCS11Error

    try:  # one search at a time: each read out before the next
        publics = list(session.get_objects({Attribute.CLASS: ObjectClass.PUBLIC_KEY}))
        publics = [(public[Attribute.LABEL], public) for public in publics]
        data: dict[str, bytes] = {}
        for found in list(session.get_objects({Attribute.CLASS: ObjectClass.DATA})):
            data.setdefault(found[Attribute.LABEL], bytes(found[Attribute.VALUE]))
        labels = [label for label, _public in publics]
        keys = []
        for label, public in publics:
            match = _OIDC.match(label)
            if match and match.group(1) == prefix and labels.count(label) == 1:  # two: see make_oidc_key
                keys.append(OidcKeyOnToken(label, int(match.group(2)), _rsa_numbers(public), _moment(data.get(label)),
                                           label + RETIRED_SUFFIX in data))
    except PKCS11Error as exc:
        raise HsmFailed(f"listing the ID-token keys: {type(exc).__name__}") from exc
    return sorted(keys, key=lambda key: key.number)


def listed_oidc_keys(config: TokenConfig) -> list[OidcKeyOnToken]:
    """The ID-token keys on the token, read with this process's session (pki/signing_keys.py ``Token``)."""
    token = token_for(config)
    with token.lock:
        try:
            return _listed(token.session(), config.keys["oidc"])
        except HsmFailed:
            token.forget()  # opened again at the next use
            raise


def _oidc_keys(session, config: TokenConfig, made: bool, number: int, oidc_dir: Path) -> list[OidcKeyOnToken]:
    """The ID-token keys on the token, the first one made now on a new token. What the token does not record yet
    is written: the publication time of a key without one (this instance's reference's, else now) and the
    retirement of a key this instance retired."""
    prefix = config.keys["oidc"]
    keys = []
    for key in _listed(session, prefix):
        if key.published is None:
            reference = oidc_dir / key.file_name
            reference = reference if reference.exists() else oidc_dir / RETIRED_DIRECTORY / key.file_name
            published = (dt.datetime.fromtimestamp(reference.stat().st_mtime, tz=dt.UTC) if reference.exists()
                         else clock.now())
            _store_data(session, key.label, published.isoformat().encode())
            key = OidcKeyOnToken(key.label, key.number, key.public, published, key.retired)
        if not key.retired and (oidc_dir / RETIRED_DIRECTORY / key.file_name).exists():
            _store_data(session, key.label + RETIRED_SUFFIX, clock.now().isoformat().encode())
            key = OidcKeyOnToken(key.label, key.number, key.public, key.published, True)
        keys.append(key)
    if made and not keys:
        label, published = oidc_label(prefix, number), clock.now()
        _replace_data(session, label, published.isoformat().encode())
        keys.append(OidcKeyOnToken(label, number, _generate_rsa(session, label), published, False))
    return keys


def _replace_data(session, label: str, value: bytes) -> None:
    """The data object ``label`` (one only) holding ``value``: one left behind by a key not made is removed."""
    from pkcs11 import ObjectClass
    from pkcs11.exceptions import PKCS11Error

    try:
        for found in _objects(session, ObjectClass.DATA, label):
            found.destroy()
        _store_data(session, label, value)
    except PKCS11Error as exc:
        raise HsmFailed(f"recording {label!r}: {type(exc).__name__}") from exc


MAKE_ATTEMPTS = 3  # make_oidc_key: numbers tried when other instances make a key at the same moment


def make_oidc_key(config: TokenConfig, number: int, published: dt.datetime) -> tuple[str, int, rsa.RSAPublicKey]:
    """A new ID-token key on the token (``zorgid oidc keys rotate``): its label, number and public key. Its number
    is ``number``, or the one after the highest on the token when that is higher (a key another instance made
    that this one does not reference yet). Its publication time ``published`` is recorded beside it once it is
    the only key with its label: an instance that lists it uses it from then on (:func:`_listed` leaves out a
    label on two keys).

    No lock spans the instances, so two rotating at the same moment can both generate a key with one label (each
    generates after finding the number free). So each looks again after generating: one that finds another
    private key with its label removes its own pair and tries the next number, after a short random wait, up to
    MAKE_ATTEMPTS numbers in all (HsmKeyConflict after that); one that finds its key alone keeps it. A key that
    appeared later was made by an instance that will find this one and remove its own, so there is never a
    label on two keys for long, and never one that an instance signs with (HsmKeyNotFound: "2 private keys").
    Looking again takes a fresh start of the PKCS#11 library (:func:`_reinitialize`), this process's other
    threads kept off the token meanwhile by its lock."""
    from pkcs11 import ObjectClass

    prefix = config.keys["oidc"]
    with token_for(config).lock:
        for attempt in range(1, MAKE_ATTEMPTS + 1):
            session = _rw_session(config)
            try:
                number = max(number, _highest_number(session, prefix) + 1)
                label = oidc_label(prefix, number)
                public = _rsa_numbers(_generate_rsa_pair(session, label)[0])
            finally:
                session.close()
            _reinitialize(config)
            session = _rw_session(config)
            try:
                mine = _with_modulus(session, label, public.public_numbers().n)
                if len(_objects(session, ObjectClass.PRIVATE_KEY, label)) == 1:
                    _replace_data(session, label, published.isoformat().encode())
                    return label, number, public
                _destroy(label, *mine)  # another instance made one with this label: it keeps its own
            finally:
                session.close()
            time.sleep((0.05 + secrets.randbelow(450) / 1000) * attempt)  # not again at the same moment as the other
    raise HsmKeyConflict(f"{label!r}: {MAKE_ATTEMPTS} numbers taken by keys other instances made at the same time")


def _reinitialize(config: TokenConfig) -> None:
    """The PKCS#11 library finalised and initialised again, so that this process sees every object on the token:
    SoftHSM2 shows a process the objects other processes wrote before its own last write only then. Every
    session of the process ends; the caller holds the token's lock, and the signing session is opened again at
    its next use."""
    import pkcs11
    from pkcs11.exceptions import PKCS11Error

    token_for(config).forget()
    try:
        pkcs11.lib(config.module).reinitialize()
    except (PKCS11Error, RuntimeError, OSError) as exc:
        raise HsmFailed(f"initialising the PKCS#11 library again: {type(exc).__name__}") from exc


def _with_modulus(session, label: str, modulus: int) -> list:
    """The key objects (public and private) labelled ``label`` of the RSA key with ``modulus``."""
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import PKCS11Error

    found = _objects(session, ObjectClass.PUBLIC_KEY, label) + _objects(session, ObjectClass.PRIVATE_KEY, label)
    try:
        return [key for key in found if int.from_bytes(bytes(key[Attribute.MODULUS]), "big") == modulus]
    except PKCS11Error as exc:
        raise HsmFailed(f"reading {label!r}: {type(exc).__name__}") from exc


def _highest_number(session, prefix: str) -> int:
    """The highest number of an ID-token key with the label prefix ``prefix`` on the token (0: none), retired or
    not, published or not yet."""
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.exceptions import PKCS11Error

    try:
        keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
        labels = [found[Attribute.LABEL] for found in keys]
    except PKCS11Error as exc:
        raise HsmFailed(f"listing the ID-token keys: {type(exc).__name__}") from exc
    matches = (_OIDC.match(label) for label in labels)
    return max((int(match.group(2)) for match in matches if match and match.group(1) == prefix), default=0)


def _destroy(label: str, *objects) -> None:
    from pkcs11.exceptions import PKCS11Error

    try:
        for found in objects:
            found.destroy()
    except PKCS11Error as exc:
        raise HsmFailed(f"removing a second key {label!r}: {type(exc).__name__}") from exc


def retire_oidc_key(config: TokenConfig, label: str) -> None:
    """Record on the token that the ID-token key ``label`` is retired (``zorgid oidc keys retire``): every
    instance stops publishing it."""
    from pkcs11 import ObjectClass
    from pkcs11.exceptions import PKCS11Error

    session = _rw_session(config)
    try:
        if not _objects(session, ObjectClass.DATA, label + RETIRED_SUFFIX):
            _store_data(session, label + RETIRED_SUFFIX, clock.now().isoformat().encode())
    except PKCS11Error as exc:
        raise HsmFailed(f"recording {label!r} as retired: {type(exc).__name__}") from exc
    finally:
        session.close()


def reference_text(label: str, public: rsa.RSAPublicKey) -> bytes:
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return json.dumps({"label": label, "public_key": pem.decode()}).encode() + b"\n"


def write_reference(path: Path, label: str, public: rsa.RSAPublicKey, published: dt.datetime) -> bool:
    """The reference file ``path`` (0600) with its publication time as its modification time, set before the file
    appears, so a listing never sees it without that time; False when it is there already (kept as it is)."""
    try:
        write_private_file(path, reference_text(label, public), mtime=published)
    except FileExistsError:
        return False
    return True


def bring_in_step(oidc_dir: Path, keys: list[OidcKeyOnToken]) -> list[str]:
    """Make the references in ``oidc_dir`` say what the token says of ``keys``: a reference for a key this
    instance did not know (its recorded publication time as modification time; under ``retired/`` when it was
    retired), a retired key's reference moved to ``retired/``. A reference is never changed otherwise, nor
    brought back from ``retired/``; a key without a recorded time waits for one. Returns what changed (for the
    log), as ``added <file>`` and ``retired <file>``."""
    changed = []
    retired_dir = oidc_dir / RETIRED_DIRECTORY
    for key in keys:
        live, retired = oidc_dir / key.file_name, retired_dir / key.file_name
        if key.retired and live.exists():
            retired_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                os.replace(live, retired)
            except FileNotFoundError:
                continue  # another process moved it just now
            changed.append(f"retired {key.file_name}")
        elif not live.exists() and not retired.exists() and key.published is not None:
            if write_reference(retired if key.retired else live, key.label, key.public, key.published):
                changed.append(f"{'retired' if key.retired else 'added'} {key.file_name}")
    return changed
