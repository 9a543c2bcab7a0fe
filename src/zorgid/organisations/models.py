"""An organisation as the operator entered it (name, URA, KvK number), the roles held in it, its employee list."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    ura = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=200)
    kvk = models.CharField(max_length=8)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=128)
    validated_at = models.DateTimeField(null=True, blank=True)  # R-FLOW-UZIORG: first ADM appointed

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (URA {self.ura})"


class Role(models.TextChoices):
    """R-ROLE. Every role but the operator's is scoped to one organisation."""

    OPERATOR = "operator", _("Operator (servicedesk)")
    ADMINISTRATOR = "administrator", _("Portaal administrator")
    BEHEERDER = "beheerder", _("Portaal beheerder")
    MEDEWERKER = "medewerker", _("Zorgmedewerker")


class RoleAssignment(models.Model):
    """A person's role, in one organisation or (the operator's) in none; granted through organisations.roles.

    The table keeps the name it had when roles lived in identities (migrations: identities 0008, organisations
    0004 moved the model without touching its rows).
    """

    person = models.ForeignKey("identities.Person", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(  # empty only for the operator role (R-ROLE)
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    granted_at = models.DateTimeField()

    class Meta:
        db_table = "identities_roleassignment"
        indexes = [models.Index(fields=["organisation", "person"], name="identities__organis_16a1f1_idx")]
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "organisation"], name="unique_role_assignment"),
            models.UniqueConstraint(fields=["person", "role"], condition=models.Q(organisation__isnull=True),
                                    name="unique_role_without_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}{' – ' + self.organisation.name if self.organisation_id else ''}"


class Membership(models.Model):
    """A person's line in one organisation's employee list: one row per organisation and person while he holds
    any role there, with his names and birth date copied from the person.

    The list is ordered, paged and searched inside one organisation, so its cost follows the organisation's size
    and not the whole register's (bench/admin.py: 10,000 employees among 1,000,000 persons). Every writer of roles
    and names keeps it in step in the same transaction, through zorgid.organisations.memberships.
    """

    organisation = models.ForeignKey(  # its own index would repeat the start of the indexes below
        Organisation, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    person = models.ForeignKey(  # indexed below, without the LIKE index PostgreSQL would get for a CharField key
        "identities.Person", on_delete=models.CASCADE, related_name="memberships", db_index=False)
    last_name = models.CharField(max_length=128)
    first_names = models.CharField(max_length=128)
    birth_date = models.DateField()
    search_text = models.TextField()  # identities.people.searchable(first names + last name): lower case, no accents

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "person"], name="unique_membership")]
        indexes = [  # the list's order (and keyset paging), and the birth date filter, per organisation
            models.Index(fields=["organisation", "last_name", "first_names", "person"], name="membership_name_order"),
            models.Index(fields=["organisation", "birth_date"], name="membership_birth_date"),
            models.Index(fields=["person"], name="membership_person"),  # memberships.renamed and the cascade
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_names} ({self.organisation_id})"


class AdministratorRequestState(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Goedgekeurd"
    DECLINED = "declined", "Afgewezen"


class AdministratorRequest(models.Model):
    """A card holder asks to become portal administrator of an organisation that was validated already.

    Made with a zorgverlenerspas (Z) of the organisation's URA and a registered ID (validation.admin_requests);
    an administrator of the organisation or the operator approves or declines it, once.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="administrator_requests")
    person = models.ForeignKey("identities.Person", on_delete=models.CASCADE, related_name="administrator_requests")
    uzi_number = models.CharField(max_length=9)  # the card it was asked with
    common_name = models.CharField(max_length=200)
    role = models.CharField(max_length=6)
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=AdministratorRequestState.choices,
                             default=AdministratorRequestState.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=128, blank=True)  # the audit actor: person:<id>

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [  # one open request per person and organisation
            models.UniqueConstraint(fields=["organisation", "person"], condition=models.Q(state="open"),
                                    name="one_open_administrator_request"),
        ]
        indexes = [models.Index(fields=["organisation", "state"], name="administrator_request_open")]

    def __str__(self) -> str:
        return f"{self.person_id} → ADM {self.organisation_id} ({self.state})"


class SmartcardLinkVia(models.TextChoices):
    ISSUED = "issued", "Uitgegeven voor deze organisatie"
    WID_CHECK = "wid-check", "Gekoppeld na WID-controle"


class SmartcardLink(models.Model):
    """A ZORG-ID Smartcard linked to an organisation (docs/uzi.md "ZORG-ID Smartcard"): the card is the person's,
    the link is what lets an organisation's beheerders see and manage it. Made when the card is issued, or by a
    beheerder of another organisation after a WID check; ended (not deleted) when he leaves the organisation.
    Kept through organisations.smartcard_links."""

    smartcard = models.ForeignKey("identities.Smartcard", on_delete=models.PROTECT, related_name="links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="smartcard_links")
    linked_at = models.DateTimeField()
    linked_by = models.CharField(max_length=128)  # the audit actor
    via = models.CharField(max_length=16, choices=SmartcardLinkVia.choices)
    wid_check = models.ForeignKey(  # the WID check a link "wid-check" was made after
        "identities.WidCheck", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unlinked_at = models.DateTimeField(null=True, blank=True)
    unlinked_by = models.CharField(max_length=128, blank=True)
    unlink_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [  # one current link per card and organisation
            models.UniqueConstraint(fields=["smartcard", "organisation"], condition=models.Q(unlinked_at__isnull=True),
                                    name="one_current_smartcard_link"),
            models.CheckConstraint(condition=~models.Q(via="wid-check") | models.Q(wid_check__isnull=False),
                                   name="smartcard_link_wid_check_named"),
        ]

    def __str__(self) -> str:
        return f"{self.smartcard_id} → {self.organisation_id} ({self.via})"
