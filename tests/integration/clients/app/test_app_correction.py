"""The app is told once that its holder's names or birth date were corrected, and keeps them (docs/security.md,
"Correcting a person's data"): the real zorgid-app against the real server, the correction made by the service."""

import datetime as dt
import json

from zorgid import clock
from zorgid.administration import employees
from zorgid.identities.models import MobileId
from zorgid.organisations.models import Role
from zorgid.organisations.roles import add_operator, grant_role
from zorgid.organisations.services import add_organisation

WID = employees.Wid("paspoort", "X12B", dt.date(2031, 1, 1))


def _installed(run, server, home) -> MobileId:
    assert run("setup", "--pin", "123456").exit_code == 0
    assert run("scan", server.activation(), "--pin", "123456").exit_code == 0  # Jan de Vries, 01-02-1980
    return MobileId.objects.get(id=json.loads((home / "id.json").read_text())["mobile_id"])


def _correct(person, *, by_operator: bool):
    """The holder is a medewerker of De Linde; its administrator, or the service desk, corrects him."""
    linde = add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t")
    person.roles.all().delete()  # server.activation() made him an operator; here he is a plain medewerker
    grant_role(person, Role.MEDEWERKER, linde, actor="t")
    by = add_operator("Olga", "Operator", dt.date(1975, 1, 1), actor="t").person
    if not by_operator:
        by.roles.all().delete()
        grant_role(by, Role.ADMINISTRATOR, linde, actor="t")
    clock.move(dt.timedelta(minutes=1))
    employees.change(linde, person, first_names="Jan Willem", last_name="de Vries-Bos", birth_date=dt.date(1980, 2, 2),
                     wid=WID, by=by, reason="Naam aangepast na huwelijk; paspoort gezien.")


def test_the_next_login_tells_the_correction_once_and_id_shows_the_data_now(run, server, home):
    holder = _installed(run, server, home).person
    _correct(holder, by_operator=True)
    result = run("scan", server.login(), "--pin", "123456", "--accept")
    assert result.exit_code == 0 and "Ingelogd bij ZORG-ID portaal" in result.stdout
    when = holder.__class__.objects.get(pk=holder.pk).corrected_at.astimezone()
    assert (f"Uw gegevens zijn gecorrigeerd door de servicedesk van ZORG-ID op {when:%d-%m-%Y} om {when:%H:%M}: "
            "naam Jan Willem de Vries-Bos, geboortedatum 02-02-1980. Klopt dit niet? Neem contact op met uw "
            "beheerder of de servicedesk.") in result.stdout
    assert result.stdout.index("gecorrigeerd") < result.stdout.index("Ingelogd")  # before he is logged in

    shown = run("id").stdout
    assert "ID: Jan Willem de Vries-Bos\n" in shown and "Geboortedatum: 02-02-1980\n" in shown
    again = run("scan", server.login(), "--pin", "123456", "--accept")
    assert again.exit_code == 0 and "gecorrigeerd" not in again.stdout  # told once


def test_a_backup_after_a_correction_tells_it_and_holds_the_data_now(run, server, home, tmp_path):
    holder = _installed(run, server, home).person
    _correct(holder, by_operator=False)
    result = run("backup", str(tmp_path / "id.zbk"), "--pin", "123456", "--password", "een lang wachtwoord 42")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Uw gegevens zijn gecorrigeerd door Huisartsenpraktijk De Linde op " in result.stdout
    assert "Back-up van Jan Willem de Vries-Bos geschreven" in result.stdout


def test_a_correction_before_the_activation_is_not_told_again(run, server, home):
    """The activation's answer already holds the data as they are; only an ID active at the correction is told."""
    holder = _installed(run, server, home).person
    _correct(holder, by_operator=True)
    MobileId.objects.filter(person=holder).update(status="revoked")
    run_home = home.parent / "second-home"
    assert run("setup", "--pin", "123456", at=run_home).exit_code == 0
    issued = employees.reissue(holder.roles.get().organisation, holder, WID,
                               by=add_operator("Piet", "Operator", dt.date(1970, 1, 1), actor="t").person)
    assert run("scan", issued.issued.payload(server.origin).to_uri(), "--pin", "123456", at=run_home).exit_code == 0
    result = run("scan", server.login(), "--pin", "123456", "--accept", at=run_home)
    assert result.exit_code == 0 and "gecorrigeerd" not in result.stdout
