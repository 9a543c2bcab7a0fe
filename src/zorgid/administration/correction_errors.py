"""Errors of correcting a person's names and birth date (R-ERR; docs/security.md, "Correcting a person's data")."""

from zorgid.protocol.errors import ZorgidError


class CorrectionReasonInvalid(ZorgidError):
    code = "ZID-CORRECTION-REASON"
    status = 400
    cause_nl = "De reden van de correctie ontbreekt, is te lang of bevat onzichtbare tekens."
    cause_en = "The reason for the correction is missing, too long or contains invisible characters."
    solution_nl = "Schrijf kort waarom de gegevens worden gecorrigeerd (ten hoogste 500 tekens), bijvoorbeeld op " \
                  "wiens verzoek en met welk document."
    solution_en = "Write briefly why the data are corrected (at most 500 characters), for instance at whose request " \
                  "and with which document."


class CorrectionOfOneself(ZorgidError):
    code = "ZID-CORRECTION-SELF"
    status = 403
    cause_nl = "U kunt uw eigen naam en geboortedatum niet corrigeren."
    cause_en = "You cannot correct your own names and birth date."
    solution_nl = "Vraag een andere administrator van uw organisatie of de servicedesk van ZORG-ID om dit te doen."
    solution_en = "Ask another administrator of your organisation or the ZORG-ID service desk to do this."


class CorrectionUnchanged(ZorgidError):
    code = "ZID-CORRECTION-UNCHANGED"
    status = 400
    cause_nl = "De ingevulde naam en geboortedatum zijn gelijk aan de vastgelegde: er is niets gecorrigeerd."
    cause_en = "The names and birth date entered are the same as those recorded: nothing was corrected."
    solution_nl = "Vul de gegevens in zoals in het identiteitsbewijs, en wijzig wat niet klopt."
    solution_en = "Enter the data as in the identity document, and change what is wrong."
