"""UZI role codes and their Dutch names (docs/uzi.md "Identifiers"; CPS UZI-register, annex "rolcodes").

A role code is ``<beroep 2 digits>.<specialisme 3 digits>``: the beroep is the BIG-registered profession
(Wet BIG art. 3, the art. 34 training titles 83–98, art. 36a 79–82, and 99 other care), the specialism
the BIG-registered specialism, ``000`` for none. Z cards carry a beroep; N, M and S certificates carry
``00.000``. The names follow the CPS's own wording. An unknown code of the right form still gets a clear
name, because the UZI register may add codes before this table learns them.
"""

from __future__ import annotations

import re

from .errors import UziMalformed

ROLE_CODE = re.compile(r"[0-9]{2}\.[0-9]{3}")
NO_ROLE = "00.000"

BEROEPEN: dict[str, str] = {
    "01": "Arts",
    "02": "Tandarts",
    "03": "Verloskundige",
    "04": "Fysiotherapeut",
    "16": "Psychotherapeut",
    "17": "Apotheker",
    "25": "Gezondheidszorgpsycholoog",
    "30": "Verpleegkundige",
    "31": "Orthopedagoog-generalist",
    "79": "Geregistreerd-mondhygiënist",
    "80": "Bachelor medisch hulpverlener",
    "81": "Physician assistant",
    "82": "Klinisch technoloog",
    "83": "Apothekersassistent",
    "84": "Klinisch fysicus",
    "85": "Tandprotheticus",
    "86": "Verzorgende individuele gezondheidszorg (VIG)",
    "87": "Optometrist",
    "88": "Huidtherapeut",
    "89": "Diëtist",
    "90": "Ergotherapeut",
    "91": "Logopedist",
    "92": "Mondhygiënist",
    "93": "Oefentherapeut Mensendieck",
    "94": "Oefentherapeut Cesar",
    "95": "Orthoptist",
    "96": "Podotherapeut",
    "97": "Radiodiagnostisch laborant",
    "98": "Radiotherapeutisch laborant",
    "99": "Zorgverlener andere zorg",
}

SPECIALISMEN: dict[str, str] = {
    "01.002": "allergoloog (gesloten register)",
    "01.003": "anesthesioloog",
    "01.004": "apotheekhoudend huisarts",
    "01.008": "bedrijfsarts",
    "01.010": "cardioloog",
    "01.011": "cardiothoracaal chirurg",
    "01.012": "dermatoloog",
    "01.013": "arts voor maag-darm-leverziekten",
    "01.014": "chirurg",
    "01.015": "huisarts",
    "01.016": "internist",
    "01.018": "keel-, neus- en oorarts",
    "01.019": "kinderarts",
    "01.020": "arts klinische chemie (gesloten register)",
    "01.021": "klinisch geneticus",
    "01.022": "klinisch geriater",
    "01.023": "longarts",
    "01.024": "arts-microbioloog",
    "01.025": "neurochirurg",
    "01.026": "neuroloog",
    "01.030": "nucleair geneeskundige",
    "01.031": "oogarts",
    "01.032": "orthopedisch chirurg",
    "01.033": "patholoog",
    "01.034": "plastisch chirurg",
    "01.035": "psychiater",
    "01.039": "radioloog",
    "01.040": "radiotherapeut",
    "01.041": "reumatoloog",
    "01.042": "revalidatiearts",
    "01.045": "uroloog",
    "01.046": "gynaecoloog",
    "01.047": "specialist ouderengeneeskunde",
    "01.048": "verzekeringsarts",
    "01.050": "zenuwarts (gesloten register)",
    "01.055": "arts maatschappij en gezondheid",
    "01.056": "arts voor verstandelijk gehandicapten",
    "01.062": "internist-allergoloog (gesloten register)",
    "01.070": "jeugdarts",
    "01.071": "spoedeisende-hulparts",
    "01.074": "sportarts",
    "02.053": "orthodontist",
    "02.054": "kaakchirurg",
    "17.060": "ziekenhuisapotheker",
    "17.075": "openbaar apotheker",
    "25.061": "klinisch psycholoog",
    "25.063": "klinisch neuropsycholoog",
    "30.065": "verpleegkundig specialist preventieve zorg bij somatische aandoeningen",
    "30.066": "verpleegkundig specialist acute zorg bij somatische aandoeningen",
    "30.067": "verpleegkundig specialist intensieve zorg bij somatische aandoeningen",
    "30.068": "verpleegkundig specialist chronische zorg bij somatische aandoeningen",
    "30.069": "verpleegkundig specialist geestelijke gezondheidszorg",
}


def check_role_code(code: object) -> str:
    """Return ``code`` if it has the form NN.NNN (ASCII digits); UziMalformed otherwise."""
    if not isinstance(code, str) or not ROLE_CODE.fullmatch(code):
        raise UziMalformed(f"role code {code!r} is not of the form NN.NNN")
    return code


def role_name(code: str) -> str:
    """The Dutch name of a role code: ``01.015`` → ``Arts – huisarts``, ``01.000`` → ``Arts``.

    ``00.000`` is the role of N, M and S certificates (docs/uzi.md). A code of the right form that this table
    does not know gets a generic name that still shows the code; a code of the wrong form is refused.
    """
    check_role_code(code)
    if code == NO_ROLE:
        return "Geen beroep (medewerker of server)"
    beroep_code, specialism_code = code.split(".")
    beroep = BEROEPEN.get(beroep_code)
    if beroep is None:
        return f"Onbekend beroep (rolcode {code})"
    if specialism_code == "000":
        return beroep
    specialism = SPECIALISMEN.get(code)
    if specialism is None:
        return f"{beroep} – onbekend specialisme (rolcode {code})"
    return f"{beroep} – {specialism}"
