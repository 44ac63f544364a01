"""/participants/ in sections: participants by standing, observers, and others the sources name."""

from dataclasses import dataclass, field

from governance.models import MembershipEventKind
from governance.standing import CURRENT, FORMER, SUSPENDED, standing_of, under_restrictions
from meetings.dates import human_partial_date
from meetings.models import ParticipantKind

EVENT_LABELS = dict(MembershipEventKind.choices)


@dataclass
class Section:
    slug: str
    title: str
    lede: str
    rows: list = field(default_factory=list)


def participant_sections(participants, chair_years):
    """Arrange annotated participants (governance.standing.with_standing) into the page's sections,
    leaving out any section with nobody in it."""
    sections = {
        "current": Section("current", "Participants", "Take part in consensus, so each holds a veto."),
        "suspended": Section(
            "suspended", "Suspended participants", "Suspended and not readmitted, as the latest event on record says."
        ),
        "former": Section("former", "Former participants", "Withdrew and did not return, as far as the record goes."),
        "observers": Section("observers", "Observers", "A voice in the KP, not a veto."),
        "former-observers": Section("former-observers", "Former observers", "Left the KP, as the record says."),
        "others": Section(
            "others",
            "Others named in the sources",
            "Neither participants nor observers in the record: bodies the sources name or quote.",
        ),
    }
    for participant in participants:
        participant.standing = standing_of(participant)
        participant.restricted = under_restrictions(participant)
        participant.chaired = chair_years.get(participant.pk, [])
        participant.admitted_display = (
            human_partial_date(participant.admitted_date, participant.admitted_precision)
            if participant.admitted_date
            else ""
        )
        participant.standing_display = (
            f"{EVENT_LABELS[participant.standing_event]} "
            f"{human_partial_date(participant.standing_date, participant.standing_precision)}"
            if participant.standing_event and participant.standing_event != MembershipEventKind.ADMITTED
            else ""
        )
        if participant.has_veto:
            key = {CURRENT: "current", SUSPENDED: "suspended", FORMER: "former"}[participant.standing]
        elif participant.kind != ParticipantKind.OTHER:
            # An observer: civil society, industry, or an organisation of states such as ADPA.
            key = "former-observers" if participant.standing == FORMER else "observers"
        else:
            key = "others"
        sections[key].rows.append(participant)
    return [section for section in sections.values() if section.rows]
