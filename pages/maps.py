"""The world map (/map/): who took which stance on a proposal, or on an issue at a meeting, and who
stood where in the KP in a year.

A participant is drawn on its country's shape in static/vendor/world-atlas/countries.svg (the 110m
countries of world-atlas, and from its 50m atlas the small states the 110m one leaves out, such as
Singapore and Mauritius, projected once by scripts/build_atlas.js), found by the ISO 3166 numeric code
pycountry gives for its three-letter code. The page draws the map as SVG, with no script: one <use> of
each country's shape, coloured by its category from the stylesheet and named in its <title>.

The EU takes part as one participant for its member states: its stance, or its standing, is drawn on the
states that were members in that year (governance.MemberState, cited), and the page says so. A state
with a record of its own is drawn with its own. Observers, organisations and codes with no shape are
listed beside the map, and every place is in the table below it, so nothing is shown only as colour.

A fixed number of queries whatever the data size: the form's choices, the proposal, the positions
(or the participants and their membership events), the member states.
"""

import datetime
import json
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from django.conf import settings
from django.db.models import Prefetch, Q

from governance.models import MembershipEvent, MemberState
from governance.standing import (
    CURRENT,
    FORMER,
    NOT_YET,
    RESTRICTED,
    SUSPENDED,
    UNDATED,
    standing_in_year,
)
from meetings.models import Participant, ParticipantKind
from positions.models import Position, Stance

ATLAS = settings.BASE_DIR / "static" / "vendor" / "world-atlas" / "countries.json"
ATLAS_STATIC = "vendor/world-atlas/countries.svg"

MIXED = "mixed"
STANCE_CATEGORIES = [(value, label) for value, label in Stance.choices] + [
    (MIXED, "more than one stance (see the table)")
]
STANDING_CATEGORIES = [
    (CURRENT, "participant"),
    (RESTRICTED, "participant under restrictions"),
    (SUSPENDED, "suspended"),
    (FORMER, "withdrew"),
    (UNDATED, "participant, no admission date on record"),
]
OBSERVER, FORMER_OBSERVER = "observer", "former_observer"
OBSERVER_CATEGORIES = [(OBSERVER, "observer"), (FORMER_OBSERVER, "former observer")]


@lru_cache(maxsize=1)
def atlas():
    """The shapes' index, read once per process: {"viewBox": …, "countries": {ISO numeric code: name}}."""
    with open(ATLAS, encoding="utf-8") as index:
        return json.load(index)


def drawable_ids():
    """The ISO numeric codes world-atlas has a shape for."""
    return atlas()["countries"].keys()


@lru_cache(maxsize=1024)
def shape_id(code):
    """The atlas id of a three-letter ISO code, or None (EU, KPCSC, a synthetic code, a state with no shape)."""
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 and code.isalpha() else None
    return country.numeric if country and country.numeric in drawable_ids() else None


@dataclass
class Place:
    """A participant (or a member state drawn with its organisation) on the map and in the table."""

    participant: object
    category: str
    label: str
    shape: str | None = None
    positions: list = field(default_factory=list)
    via: object = None  # the organisation whose stance or standing is drawn on this state
    name: str = ""


@dataclass
class WorldMap:
    mode: str  # "stances" or "standing"
    title: str
    year: int
    categories: list
    places: list = field(default_factory=list)  # participants, in name order
    states: list = field(default_factory=list)  # member states drawn with their organisation's colour
    organisation_states: dict = field(default_factory=dict)  # organisation (a Participant) -> its states drawn

    @property
    def drawn(self):
        return [p for p in self.places if p.shape] + self.states

    @property
    def undrawn(self):
        """Places with no shape of their own, leaving out an organisation drawn on its member states."""
        return [p for p in self.places if not p.shape and p.participant not in self.organisation_states]

    def legend(self):
        """The categories drawn, with how many shapes each colours."""
        counts = {}
        for place in self.drawn:
            counts[place.category] = counts.get(place.category, 0) + 1
        return [{"key": k, "label": label, "count": counts[k]} for k, label in self.categories if k in counts]

    def shapes(self):
        """Every country of the atlas as the template draws it: (ISO numeric code, category, words for its
        title), the ones with a place coloured by its category, the others as nothing on record."""
        drawn = {
            place.shape: (
                place.category,
                f"{place.name or place.participant.name}: {place.label}"
                + (f" (the {place.via.name}'s)" if place.via else ""),
            )
            for place in self.drawn
        }
        return [
            (code, *drawn.get(code, ("none", f"{name}: nothing on record")))
            for code, name in atlas()["countries"].items()
        ]


def _with_member_states(world, year):
    """Draw each organisation's category on the states that were its members in `year`, unless a state
    has a place of its own."""
    own_shapes = {place.shape for place in world.places if place.shape}
    organisations = {place.participant.pk: place for place in world.places}
    states = MemberState.objects.in_year(year).filter(organisation__in=list(organisations)).order_by("name")
    for state in states:
        shape = shape_id(state.iso_code)
        organisation = organisations[state.organisation_id]
        if shape is None or shape in own_shapes:
            continue
        world.states.append(
            Place(
                participant=organisation.participant,
                category=organisation.category,
                label=organisation.label,
                shape=shape,
                via=organisation.participant,
                name=state.name,
            )
        )
        world.organisation_states.setdefault(organisation.participant, []).append(state.name)
    return world


def stance_map(positions, title, year):
    """Stances on proposals (the positions given), one place per participant."""
    labels = dict(Stance.choices)
    by_participant = {}
    for position in positions.select_related("participant", "source").order_by("participant__name", "pk"):
        by_participant.setdefault(position.participant, []).append(position)
    world = WorldMap(mode="stances", title=title, year=year, categories=STANCE_CATEGORIES)
    for participant, held in by_participant.items():
        stances = list(dict.fromkeys(p.stance for p in held))
        category = stances[0] if len(stances) == 1 else MIXED
        label = labels[category] if category != MIXED else ", ".join(labels[s] for s in stances)
        shape = shape_id(participant.code)
        world.places.append(Place(participant=participant, category=category, label=label, shape=shape, positions=held))
    return _with_member_states(world, year)


def standing_map(year, group=None):
    """Every participant and observer by its standing at the end of `year`; those first admitted later
    are left out, and so are the others the sources name. Observers have no shape: they are listed."""
    events = Prefetch("membership_events", queryset=MembershipEvent.objects.order_by("date", "pk"))
    participants = (
        Participant.objects.filter(Q(has_veto=True) | ~Q(kind=ParticipantKind.OTHER))
        .prefetch_related(events)
        .order_by("name")
    )
    if group:
        participants = participants.filter(pk__in=group.members.values("pk"))
    labels = dict(STANDING_CATEGORIES + OBSERVER_CATEGORIES)
    world = WorldMap(
        mode="standing", title=f"Standing in the KP at the end of {year}", year=year, categories=STANDING_CATEGORIES
    )
    for participant in participants:
        standing = standing_in_year(list(participant.membership_events.all()), year)
        if standing == NOT_YET:
            continue
        if not participant.has_veto:
            standing = FORMER_OBSERVER if standing == FORMER else OBSERVER
        world.places.append(
            Place(participant=participant, category=standing, label=labels[standing], shape=shape_id(participant.code))
        )
    return _with_member_states(world, year)


def positions_mapped(proposal=None, meeting=None, issue=None, group=None):
    """The stances a stance map draws: on the proposal, or on every proposal under the issue at the meeting."""
    positions = Position.objects.filter(proposal__isnull=False).exclude(stance="")
    if proposal is not None:
        positions = positions.filter(proposal=proposal)
    else:
        positions = positions.filter(agenda_item__meeting=meeting, agenda_item__issue=issue)
    if group:
        positions = positions.filter(participant__in=group.members.values("pk"))
    return positions


def this_year():
    return datetime.date.today().year
