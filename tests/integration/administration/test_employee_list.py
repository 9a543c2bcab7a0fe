"""The employee list (R-ROLE-BEH): name order, keyset paging both ways, search, bad input, the page's links.

Runs on SQLite and on PostgreSQL alike (DATABASE_URL): the expected order is asked of the same database, so
its collation decides, as it does for the list itself.
"""

import datetime as dt
import html
import re
from urllib.parse import parse_qsl

import pytest

from tests.integration.administration.test_administration import person_with_role
from zorgid import clock
from zorgid.administration import employees
from zorgid.administration.employees import PAGE_SIZE
from zorgid.identities.models import MobileId, Person, UziRegistration
from zorgid.organisations.errors import EmployeeListPageUnknown
from zorgid.organisations.models import Role
from zorgid.organisations.roles import grant_role
from zorgid.organisations.services import add_organisation

pytestmark = pytest.mark.django_db

BORN = dt.date(1980, 5, 17)


@pytest.fixture
def orgs(db):
    return (add_organisation(name="Huisartsenpraktijk De Linde", ura="90000382", kvk="12345678", actor="t"),
            add_organisation(name="Ziekenhuis Oost", ura="90000999", kvk="87654321", actor="t"))


def employee(organisation, first_names: str, last_name: str, born: dt.date = BORN, role: str = Role.MEDEWERKER):
    person = Person.objects.create(first_names=first_names, last_name=last_name, birth_date=born,
                                   created_at=clock.now())
    grant_role(person, role, organisation, actor="test")
    return person


def many(organisation, count: int, *, last_names=("Jansen", "de Vries", "Bakker", "van den Berg")) -> list[Person]:
    """Employees with ties in last name and in first names too, so the id decides some of the order."""
    return [employee(organisation, f"P{n % 7}", last_names[n % len(last_names)], BORN + dt.timedelta(days=n % 3))
            for n in range(count)]


def expected(organisation, **filters) -> list[str]:
    """The organisation's people in name order, asked of the roles themselves (not of the list's own table)."""
    people = Person.objects.filter(roles__organisation=organisation, **filters).distinct()
    return list(people.order_by("last_name", "first_names", "id").values_list("id", flat=True))


def walk_forward(organisation, **search) -> list[employees.EmployeePage]:
    pages = [employees.search(organisation, **search)]
    while pages[-1].after:
        pages.append(employees.search(organisation, **search, after=pages[-1].after, number=pages[-1].number + 1))
    return pages


def ids(pages) -> list[str]:
    return [person.id for page in pages for person in page.people]


# ------------------------------------------------------------------------------------------------ paging


def test_every_employee_once_in_name_order_forward_and_back(orgs):
    linde, oost = orgs
    many(linde, 3 * PAGE_SIZE + 7)
    many(oost, 30)  # the same names elsewhere: never on Linde's list
    pages = walk_forward(linde)
    assert [page.number for page in pages] == [1, 2, 3, 4]
    assert [len(page.people) for page in pages] == [PAGE_SIZE, PAGE_SIZE, PAGE_SIZE, 7]
    assert ids(pages) == expected(linde)
    assert pages[0].before == "" and pages[-1].after == ""

    back = [pages[-1]]
    while back[-1].before:
        back.append(employees.search(linde, before=back[-1].before, number=back[-1].number - 1))
    assert [page.number for page in back] == [4, 3, 2, 1]
    assert [[p.id for p in page.people] for page in reversed(back)] == [[p.id for p in page.people] for page in pages]


def test_a_search_pages_through_its_own_matches(orgs):
    linde, _ = orgs
    many(linde, 2 * PAGE_SIZE + 3, last_names=("Jansen", "Jansen-Bakker", "de Vries"))
    pages = walk_forward(linde, text="jansen")
    assert ids(pages) == expected(linde, last_name__icontains="jansen")
    assert len(ids(pages)) > PAGE_SIZE  # more than one page of matches
    born = walk_forward(linde, birth_date=BORN + dt.timedelta(days=1))
    assert ids(born) == expected(linde, birth_date=BORN + dt.timedelta(days=1))


def test_the_list_may_change_between_pages(orgs):
    linde, _ = orgs
    many(linde, 2 * PAGE_SIZE)
    first = employees.search(linde)
    employee(linde, "Aaron", "Aalders")  # before the cursor: the next page is the same
    employee(linde, "Zeger", "Zwart")  # after it: on a later page
    second = employees.search(linde, after=first.after, number=2)
    assert ids([first, second]) == expected(linde)[1:2 * PAGE_SIZE + 1]
    boundary = Person.objects.get(id=first.after)
    employees.delete(linde, boundary, by=boundary, ip="")
    with pytest.raises(EmployeeListPageUnknown):  # his page has no place in the list any more
        employees.search(linde, after=first.after, number=2)


def test_the_page_before_the_second_is_the_first_even_when_people_left(orgs):
    linde, _ = orgs
    people = many(linde, PAGE_SIZE + 10)
    first = employees.search(linde)
    second = employees.search(linde, after=first.after, number=2)
    for person in people[:5]:
        employees.delete(linde, person, by=person)
    back = employees.search(linde, before=second.before, number=1)
    assert back.number == 1 and back.before == ""
    assert [p.id for p in back.people] == expected(linde)[:PAGE_SIZE]


def test_cursors_of_another_organisation_or_garbled_are_refused(orgs):
    linde, oost = orgs
    many(linde, 5)
    stranger = employee(oost, "Olga", "Oost")
    for cursor in (stranger.id, "x" * 32, "'; DROP TABLE x; --", "A" * 10_000, "0" * 32):
        for direction in ("after", "before"):
            with pytest.raises(EmployeeListPageUnknown):
                employees.search(linde, **{direction: cursor}, number=2)


def test_page_numbers_are_kept_in_bounds(orgs):
    linde, _ = orgs
    people = many(linde, PAGE_SIZE + 1)
    first = employees.search(linde, number=10**9)
    assert first.number == 1  # no cursor: the first page, whatever it says
    assert employees.search(linde, after=first.after, number=10**9).number == employees.MAX_PAGE_NUMBER
    assert employees.search(linde, after=first.after, number=-5).number == 2
    beyond = employees.search(linde, after=expected(linde)[-1], number=3)  # after the last: empty, not an error
    assert (beyond.people, beyond.before, beyond.after) == ([], "", "")
    assert len(people) == PAGE_SIZE + 1


# ------------------------------------------------------------------------------------------------ search


@pytest.mark.parametrize("typed, found", [
    ("vries", "de Vries"), ("VRIES", "de Vries"), ("de vries", "de Vries"), ("jan vries", "de Vries"),
    ("ozturk", "Şahin-Öztürk"), ("sahin", "Şahin-Öztürk"), ("öztürk", "Şahin-Öztürk"), ("yilmaz", "Yılmaz"),
    ("ancona", "d'Ancona"), ("d'ancona", "d'Ancona"), ("dancona", "d'Ancona"), ("t veld", "in 't Veld"),
    ("veld", "in 't Veld"), ("élodie", "Şahin-Öztürk"), ("elodie", "Şahin-Öztürk"),
])
def test_names_are_found_without_regard_to_case_accents_or_tussenvoegsels(orgs, typed, found):
    linde, _ = orgs
    for first, last in (("Jan Willem", "de Vries"), ("Élodie", "Şahin-Öztürk"), ("Ayşe", "Yılmaz"),
                        ("Ruben", "d'Ancona"), ("Kees", "in 't Veld"), ("Bram", "Bakker")):
        employee(linde, first, last)
    assert [p.last_name for p in employees.search(linde, text=typed).people] == [found]


@pytest.mark.parametrize("typed, same_as", [("%", ""), ("_", ""), ("\\", ""), ("%%%", ""), ("*", ""),
                                             ("a%b", "a b"), ("100%_jansen", "100 jansen"), ("[a-z]", "a z")])
def test_wildcards_and_punctuation_typed_separate_words_as_in_the_names(orgs, typed, same_as):
    linde, _ = orgs
    employee(linde, "Bram", "Bakker")
    employee(linde, "Anna", "100%_Jansen")
    employee(linde, "Zora", "Azzouz")
    assert employees.search(linde, text=typed) == employees.search(linde, text=same_as)
    assert [p.first_names for p in employees.search(linde, text="100%_jansen").people] == ["Anna"]


def test_search_and_uzi_stay_inside_the_organisation(orgs):
    linde, oost = orgs
    employee(linde, "Bram", "Bakker")
    stranger = employee(oost, "Bram", "Bakker")
    mobile_id = MobileId.objects.create(person=stranger, certificate_pem="-", serial="01", not_before=clock.now(),
                                        not_after=clock.now(), activated_at=clock.now())
    UziRegistration.objects.create(mobile_id=mobile_id, uzi_number="900016528", card_type="Z", ura=oost.ura,
                                   role="01.015", agb="00000000", common_name="Bram Bakker",
                                   organisation_name=oost.name, certificate_serial="01", registered_at=clock.now())
    assert [p.id for p in employees.search(oost, uzi="900016528").people] == [stranger.id]
    assert employees.search(linde, uzi="900016528").people == []
    assert stranger.id not in [p.id for p in employees.search(linde, text="bakker").people]


# ---------------------------------------------------------------------------------------------- the page

LINK = {rel: re.compile(rf'<a href="\?([^"]*)" rel="{rel}"') for rel in ("next", "prev")}


def link(page: str, rel: str) -> dict:
    match = LINK[rel].search(page)
    return dict(parse_qsl(html.unescape(match.group(1)))) if match else {}


def names_on(page: str) -> list[str]:
    return re.findall(r'/medewerkers/([0-9a-f]{32})">', page)


def test_the_page_links_reach_everyone_and_come_back(client, orgs):
    linde, _ = orgs
    browser, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    many(linde, 2 * PAGE_SIZE + 4)
    path, query, seen, numbers = f"/organisatie/{linde.ura}/medewerkers", {}, [], []
    while True:
        response = browser.get(path, query)
        assert response.status_code == 200
        page = response.content.decode()
        seen += names_on(page)
        numbers.append(re.search(r'data-testid="page-number">[^<]*?(\d+)<', page).group(1))
        if not link(page, "next"):
            break
        query = link(page, "next")
    assert seen == expected(linde) and numbers == ["1", "2", "3"]
    assert 'data-testid="first-page"' in page
    back = browser.get(path, link(page, "prev")).content.decode()
    assert names_on(back) == expected(linde)[PAGE_SIZE:2 * PAGE_SIZE]
    assert 'data-testid="page-number">Pagina 2<' in back


def test_the_search_is_kept_in_the_page_links(client, orgs):
    linde, _ = orgs
    browser, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    many(linde, 2 * PAGE_SIZE + 5, last_names=("Jansen", "Bakker"))  # 28 Jansens
    first = browser.get(f"/organisatie/{linde.ura}/medewerkers", {"q": "jansen"}).content.decode()
    assert link(first, "next")["q"] == "jansen"
    second = browser.get(f"/organisatie/{linde.ura}/medewerkers", link(first, "next")).content.decode()
    assert names_on(first) + names_on(second) == expected(linde, last_name="Jansen")


@pytest.mark.parametrize("query, shown", [
    ({"na": "not-a-cursor"}, "ZID-EMPLOYEE-LIST-PAGE"),
    ({"voor": "0" * 32, "pagina": "3"}, "ZID-EMPLOYEE-LIST-PAGE"),
    ({"na": "f" * 32}, "ZID-EMPLOYEE-LIST-PAGE"),
    ({"pagina": str(10**9)}, "ZID-EMPLOYEE-LIST-PAGE"),
    ({"pagina": "-1"}, "ZID-EMPLOYEE-LIST-PAGE"),
    ({"pagina": "1e9"}, "ZID-EMPLOYEE-LIST-PAGE"),
])
def test_a_link_that_does_not_hold_shows_the_first_page_with_the_reason(client, orgs, query, shown):
    linde, _ = orgs
    browser, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    many(linde, PAGE_SIZE + 1)
    response = browser.get(f"/organisatie/{linde.ura}/medewerkers", query)
    page = response.content.decode()
    assert response.status_code == 400
    assert shown in page and 'data-testid="list-notice"' in page
    assert names_on(page) == expected(linde)[:PAGE_SIZE]


@pytest.mark.parametrize("query, message", [
    ({"geboortedatum": "31-02-1980"}, "Dit is geen bestaande datum"),
    ({"geboortedatum": "gisteren"}, "Dit is geen bestaande datum"),
    ({"geboortedatum": "9" * 5000}, "Dit is geen bestaande datum"),
    ({"uzi": "12345"}, "Het UZI-nummer bestaat uit 9 cijfers"),
    ({"uzi": "٩٠٠٠١٦٥٢٨"}, "Het UZI-nummer bestaat uit 9 cijfers"),
    ({"q": "x" * 101}, "100"),
])
def test_bad_search_input_is_named_and_shows_no_list(client, orgs, query, message):
    linde, _ = orgs
    browser, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    many(linde, 3)
    response = browser.get(f"/organisatie/{linde.ura}/medewerkers", query)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and 'data-testid="search-error"' in page
    assert names_on(page) == []


def test_a_date_may_be_typed_either_way_and_an_uzi_number_with_spaces(client, orgs):
    linde, _ = orgs
    browser, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    person = employee(linde, "Bram", "Bakker", dt.date(1990, 6, 1))
    path = f"/organisatie/{linde.ura}/medewerkers"
    assert names_on(browser.get(path, {"geboortedatum": "01-06-1990"}).content.decode()) == [person.id]
    assert names_on(browser.get(path, {"geboortedatum": "1990-06-01"}).content.decode()) == [person.id]
    assert browser.get(path, {"uzi": "900 016 528"}).status_code == 200


def test_the_list_speaks_english_too(client, orgs):
    linde, _ = orgs
    browser, _ = person_with_role(client, Role.BEHEERDER, linde, "Beppie")
    many(linde, PAGE_SIZE + 1)
    browser.post("/i18n/setlang/", {"language": "en"})
    path = f"/organisatie/{linde.ura}/medewerkers"
    first = browser.get(path).content.decode()
    assert "Next" in first and "Page 1" in first
    second = browser.get(path, link(first, "next")).content.decode()
    assert "First page" in second and "Previous" in second
    assert "This page of the list of employees does not exist" in browser.get(path, {"na": "x"}).content.decode()
    assert "This is not a valid date" in browser.get(path, {"geboortedatum": "31-02-1980"}).content.decode()
    assert "The UZI number has 9 digits" in browser.get(path, {"uzi": "1"}).content.decode()


def test_one_page_costs_a_few_queries(orgs, django_assert_max_num_queries):
    linde, _ = orgs
    many(linde, 2 * PAGE_SIZE)
    first = employees.search(linde)
    with django_assert_max_num_queries(2):  # the cursor's place, then the page with its persons
        employees.search(linde, after=first.after, number=2)
