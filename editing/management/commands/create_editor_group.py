"""The "Editors" group: what an editor of the KP record may do in the admin, and nothing more.

Editors keep the record: they add and change meetings, agenda items, proposals with their
accounts, positions and acts, chairs and membership events, and the sources and people those
cite. The lists that structure every page (participants, issues, working bodies) and deleting
whole meetings or sources stay with administrators, as do users and groups.
Run it after `migrate`; it is idempotent and sets the group's permissions to exactly these.
"""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

GROUP_NAME = "Editors"

EDITOR_PERMISSIONS = {
    # The record itself.
    "meetings.meeting": ["add", "change", "view"],
    "positions.agendaitem": ["add", "change", "delete", "view"],
    "positions.proposal": ["add", "change", "delete", "view"],
    "positions.proposalaccount": ["add", "change", "delete", "view"],
    "positions.position": ["add", "change", "delete", "view"],
    # Who chaired what, and participants' standing: dated accounts, each with its sources.
    "governance.chair": ["add", "change", "delete", "view"],
    "governance.membershipevent": ["add", "change", "delete", "view"],
    # The working bodies a boycott can aim at: structure, like the issues, so read only.
    "governance.workingbody": ["view"],
    # What positions cite: a new statement brings a new source and a new speaker.
    "meetings.source": ["add", "change", "view"],
    "meetings.person": ["add", "change", "view"],
    # The KP's participants and the issues followed are the matrix's rows and columns: read only.
    "meetings.participant": ["view"],
    "meetings.participantalias": ["view"],
    "positions.issue": ["view"],
    # Readers' error reports: editors triage them.
    "reports.errorreport": ["change", "view"],
}


def editor_permissions():
    """The Permission rows the Editors group holds; an unknown model or action is an error, not a skip."""
    wanted = []
    for label, actions in EDITOR_PERMISSIONS.items():
        app_label, model = label.split(".")
        for action in actions:
            codename = f"{action}_{model}"
            try:
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            except Permission.DoesNotExist:
                raise CommandError(f"No permission {app_label}.{codename}: has the model been renamed?") from None
    return wanted


class Command(BaseCommand):
    help = "Create or update the Editors group: add and change meetings, agenda items and positions; not users."

    @transaction.atomic
    def handle(self, *args, **options):
        group, created = Group.objects.get_or_create(name=GROUP_NAME)
        permissions = editor_permissions()
        group.permissions.set(permissions)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} the {GROUP_NAME} group with {len(permissions)} permissions."))
        if options["verbosity"] > 1:
            for permission in sorted(permissions, key=lambda p: (p.content_type.app_label, p.codename)):
                self.stdout.write(f"  {permission.content_type.app_label}.{permission.codename}")
