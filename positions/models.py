"""Issues followed across meetings: agenda items, the proposals put under them, the accounts of
how each was decided, and the positions participants took.

Popolo models a vote as a Motion, a VoteEvent and a Vote per voter; twfy-votes adds an
"Agreement" for a decision taken without a recorded vote. The KP decides by consensus, so there is
rarely a vote: what matters is who supported, opposed or blocked a proposal, at which stage
(whether to take the matter up, the substance, the communiqué's wording), in their own words or
as someone else reported it, and how strong the evidence is. Acts that answer no proposal (a
walk-out, a boycott, a statement) are positions on a meeting or a working body.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import MD5
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.models import WorkingBody
from meetings.models import Meeting, Participant, Person, Source


class IssueManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Issue(models.Model):
    """A recurring agenda topic, e.g. the definition of conflict diamonds."""

    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IssueManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("pages:issue-detail", kwargs={"slug": self.slug})


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "adopted"
    NO_CONSENSUS = "no_consensus", "no consensus"
    NOT_DISCUSSED = "not_discussed", "not discussed (kept off the agenda)"
    DEFERRED = "deferred", "deferred"
    NOTED = "noted", "noted"
    ONGOING = "ongoing", "ongoing"


class AgendaItemQuerySet(models.QuerySet):
    def chronological(self):
        """Oldest meeting first, then by issue: an issue's trajectory, agenda_items.csv."""
        return self.order_by("meeting__start_date", "meeting__slug", "issue__slug")


class AgendaItemManager(models.Manager.from_queryset(AgendaItemQuerySet)):
    def get_by_natural_key(self, meeting_slug, issue_slug):
        return self.get(meeting__slug=meeting_slug, issue__slug=issue_slug)


class AgendaItem(models.Model):
    """An issue as it came up at one meeting, with its outcome (empty where no source reports it)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="agenda_items")
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, blank=True, help_text="Leave empty when no source reports it."
    )
    outcome_note = models.TextField(blank=True, help_text="What the sources say of the outcome, or how it is inferred.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgendaItemManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__start_date", "issue__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "issue"],
                name="agenda_item_unique_per_meeting",
                violation_error_message="This issue is already on this meeting's agenda.",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="agenda_item_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"{self.issue} at {self.meeting}"

    def natural_key(self):
        return self.meeting.natural_key() + self.issue.natural_key()

    natural_key.dependencies = ["meetings.meeting", "positions.issue"]


class Stage(models.TextChoices):
    AGENDA = "agenda", "agenda (whether to take the matter up)"
    DECISION = "decision", "decision (the substance)"
    COMMUNIQUE = "communique", "communiqué (the wording of the final text)"


class DecidedBy(models.TextChoices):
    CONSENSUS = "consensus", "consensus"
    VOTE = "vote", "vote"
    WRITTEN_PROCEDURE = "written_procedure", "written procedure"


class Result(models.TextChoices):
    ADOPTED = "adopted", "adopted"
    BLOCKED = "blocked", "blocked"
    NO_CONSENSUS = "no_consensus", "no consensus"
    # A vote lost: neither a block (a veto under consensus) nor a want of consensus.
    REJECTED = "rejected", "rejected (lost a vote)"
    WITHDRAWN = "withdrawn", "withdrawn"
    DEFERRED = "deferred", "deferred"
    NOT_TAKEN_UP = "not_taken_up", "not taken up"
    PENDING = "pending", "pending"


def stage_order(field_name="stage"):
    """Agenda, then decision, then communiqué: the order a matter moves through a meeting."""
    return models.Case(
        *[models.When(**{field_name: code}, then=models.Value(i)) for i, code in enumerate(Stage.values)],
        output_field=models.IntegerField(),
    )


class ProposalQuerySet(models.QuerySet):
    def chronological(self):
        """Oldest meeting first, then by issue, stage and entry: an issue's trajectory, proposals.csv."""
        return self.order_by(
            "agenda_item__meeting__start_date",
            "agenda_item__meeting__slug",
            "agenda_item__issue__slug",
            stage_order(),
            "pk",
        )


class ProposalManager(models.Manager.from_queryset(ProposalQuerySet)):
    def get_by_natural_key(self, meeting_slug, issue_slug, text):
        return self.get(agenda_item__meeting__slug=meeting_slug, agenda_item__issue__slug=issue_slug, text=text)


class Proposal(models.Model):
    """What was put to a meeting under an agenda item, worded so that "supports" has one meaning.

    How it was decided is told by its accounts (ProposalAccount): one where the sources agree, one
    per source where they do not.
    """

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="proposals")
    text = models.CharField(
        "proposal",
        max_length=500,
        help_text="Phrased as something to support or oppose, e.g. 'Put Russia's diamonds and the war in "
        "Ukraine on the agenda'.",
    )
    stage = models.CharField(
        max_length=10,
        choices=Stage.choices,
        help_text="Agenda: whether to take the matter up. Decision: the "
        "substance. Communiqué: the wording of the meeting's final text.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item__meeting__start_date", "agenda_item__issue__title", "stage", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "text"],
                name="proposal_unique_per_item",
                violation_error_message="This agenda item already holds a proposal with these words.",
            ),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="proposal_stage_valid"),
            models.CheckConstraint(
                condition=~Q(text=""), name="proposal_text_required", violation_error_message="Word the proposal."
            ),
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return self.agenda_item.natural_key() + (self.text,)

    natural_key.dependencies = ["positions.agendaitem"]

    def get_absolute_url(self):
        return f"{self.agenda_item.meeting.get_absolute_url()}#proposal-{self.pk}"

    @property
    def accounts_differ(self):
        """Whether its accounts (prefetched) disagree on how it was decided or on the result."""
        return len({(a.decided_by, a.result) for a in self.accounts.all()}) > 1

    @property
    def what_happened(self):
        """In plain words, where every account agrees: 'kept off the agenda', 'blocked on the substance'…"""
        result = self.agreed_result
        if not result or self.accounts_differ:
            return ""
        stopped = result in (Result.BLOCKED, Result.NO_CONSENSUS, Result.REJECTED, Result.NOT_TAKEN_UP)
        if self.stage == Stage.AGENDA:
            return "kept off the agenda" if stopped else ("put on the agenda" if result == Result.ADOPTED else "")
        where = "on the substance" if self.stage == Stage.DECISION else "on the communiqué's wording"
        if result == Result.BLOCKED:
            return f"blocked {where}"
        if result == Result.ADOPTED:
            return "adopted" if self.stage == Stage.DECISION else "in the communiqué"
        if stopped:
            return f"stopped {where} ({Result(result).label})"
        return ""

    @property
    def agreed_result(self):
        """The result every account gives, or '' where they differ or none gives one."""
        results = {a.result for a in self.accounts.all()}
        return results.pop() if len(results) == 1 else ""


class ProposalAccountQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("proposal__agenda_item__meeting", "proposal__agenda_item__issue")


class ProposalAccount(models.Model):
    """One account of how a proposal was decided: who proposed it, how, the result, the tally.

    Where the sources agree a proposal has one account citing them all. Where they disagree (Kasane
    2022: a vote short of a simple majority, or an item removed by consensus) each account is kept
    with its sources and the pages show them side by side.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="accounts")
    proposed_by = models.ManyToManyField(Participant, blank=True, related_name="proposals")
    decided_by = models.CharField(
        max_length=20, choices=DecidedBy.choices, blank=True, help_text="Leave empty when no source says."
    )
    result = models.CharField(
        max_length=16, choices=Result.choices, blank=True, help_text="Leave empty when no source reports it."
    )
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    result_note = models.TextField(
        blank=True, help_text="Conditions attached to the result, and what the sources say of it."
    )
    inferred = models.BooleanField(
        "a reading",
        default=False,
        help_text="Tick when how it was decided, its result or its proposers are a reading of the sources "
        "rather than their words; say how in the note.",
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="proposal_accounts")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalAccountQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[proposed_by, sources])

    class Meta:
        ordering = ["proposal", "pk"]
        verbose_name = "account of the decision"
        verbose_name_plural = "accounts of the decision"
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by="") | Q(decided_by__in=DecidedBy.values), name="account_decided_by_valid"
            ),
            models.CheckConstraint(condition=Q(result="") | Q(result__in=Result.values), name="account_result_valid"),
            models.CheckConstraint(
                condition=Q(decided_by=DecidedBy.VOTE)
                | (Q(votes_for__isnull=True) & Q(votes_against__isnull=True) & Q(abstentions__isnull=True)),
                name="account_tally_only_with_vote",
                violation_error_message="A tally is given only for a proposal decided by a vote.",
            ),
            models.CheckConstraint(
                condition=~Q(result=Result.REJECTED) | Q(decided_by=DecidedBy.VOTE),
                name="account_rejected_only_by_vote",
                violation_error_message="'Rejected' means a vote was lost: set 'decided by' to vote.",
            ),
            models.CheckConstraint(
                condition=~Q(result=Result.BLOCKED) | ~Q(decided_by=DecidedBy.VOTE),
                name="account_blocked_not_by_vote",
                violation_error_message="A vote is lost, not blocked: use 'rejected'.",
            ),
            models.CheckConstraint(
                condition=Q(inferred=False) | ~Q(result_note=""),
                name="account_inferred_has_note",
                violation_error_message="A reading says in the note how it is read from the sources.",
            ),
        ]

    def __str__(self):
        return f"{self.proposal}: {self.get_result_display() or 'result not reported'}"

    @property
    def tally_display(self):
        parts = [
            f"{count} {label}"
            for count, label in (
                (self.votes_for, "for"),
                (self.votes_against, "against"),
                (self.abstentions, "abstaining"),
            )
            if count is not None
        ]
        return ", ".join(parts)


class Stance(models.TextChoices):
    SUPPORTS = "supports", "supports"
    OPPOSES = "opposes", "opposes"
    BLOCKS = "blocks", "blocks"
    ABSTAINS = "abstains", "abstains"
    NEUTRAL = "neutral", "neutral"
    PROTESTS = "protests", "protests (walk-out or boycott)"


class Attribution(models.TextChoices):
    STATED = "stated", "stated (own words)"
    REPORTED = "reported", "reported (by someone else)"


class Evidence(models.TextChoices):
    QUOTED = "quoted", "quoted (the quote states it)"
    INFERRED = "inferred", "inferred (a reading of the quote)"
    CITED = "cited", "cited (the source is cited, no quote stored)"


class Act(models.TextChoices):
    WALK_OUT = "walk_out", "walk-out"
    BOYCOTT = "boycott", "boycott"
    STATEMENT = "statement", "statement"


# newest_first's first key, also recognised by exports/sqlcsv.py, which splits an export in that order.
NEWEST_MEETING_FIRST = F("meeting__start_date").desc(nulls_last=True)


class PositionQuerySet(models.QuerySet):
    def for_listing(self):
        """Everything a list row or an export shows, in one query."""
        return self.select_related(
            "meeting",
            "agenda_item__issue",
            "proposal",
            "working_body",
            "participant",
            "reported_by",
            "reported_by_person",
            "speaker",
            "source",
        )

    def blocks(self):
        return self.filter(stance=Stance.BLOCKS)

    def on_proposals(self):
        return self.filter(proposal__isnull=False)

    def acts(self):
        return self.exclude(act="")

    def newest_first(self):
        """The order of the position list, positions.csv and a participant's page: newest meeting first
        (an act on a working body, which has no meeting, last)."""
        return self.order_by(NEWEST_MEETING_FIRST, "agenda_item__issue__title", "participant__name", "pk")

    def as_entered_by_meeting(self):
        """A source's page: oldest meeting first, then in the order the positions were entered."""
        return self.order_by(F("meeting__start_date").asc(nulls_last=True), "pk")

    def chronological(self):
        """The data package's order: oldest meeting first, then by natural keys."""
        return self.order_by(
            F("meeting__start_date").asc(nulls_last=True),
            "meeting__slug",
            "agenda_item__issue__slug",
            "participant__code",
            "pk",
        )


class Position(models.Model):
    """A participant's stance on a proposal, or an act on a meeting or a working body (a walk-out, a
    boycott, a statement), with the source and quote that show it and the strength of that evidence.

    ``meeting`` and ``agenda_item`` follow from the proposal (set on save) so that lists, filters and
    the matrix read them without a join through the proposal.
    """

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="positions",
        help_text="What the stance answers. Leave empty for an act that answers no proposal.",
    )
    act = models.CharField(
        max_length=10,
        choices=Act.choices,
        blank=True,
        help_text="For an act that answers no proposal: a walk-out, a boycott, a statement.",
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="positions",
        help_text="Set from the proposal. For an act: the meeting it happened at, if any.",
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="positions", editable=False
    )
    working_body = models.ForeignKey(
        WorkingBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        help_text="For an act aimed at a committee or working group, e.g. a boycott.",
    )
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(
        max_length=10,
        choices=Stance.choices,
        blank=True,
        help_text="Empty only for an act with no stance (a statement).",
    )
    evidence = models.CharField(
        max_length=10,
        choices=Evidence.choices,
        default=Evidence.QUOTED,
        help_text="Quoted: the quote states it. Inferred: a reading of the quote (say how in the note). "
        "Cited: the source is cited, no quote is stored.",
    )
    attribution = models.CharField(
        max_length=10,
        choices=Attribution.choices,
        help_text="Stated: in the participant's own words. Reported: someone else says so.",
    )
    reported_by = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_positions",
        help_text="For a reported position: the participant who reported it, if it was one.",
    )
    reported_by_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_positions",
        help_text="For a reported position: the person who reported it, where named.",
    )
    reported_by_outlet = models.CharField(
        max_length=200, blank=True, help_text="For a reported position: the outlet or author that reported it."
    )
    speaker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        help_text="The person whose words the quote is. Empty when the quote is the writer's own sentence.",
    )
    quote = models.TextField(blank=True, help_text="Verbatim from the source. Empty only when the evidence is cited.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="positions")
    quote_verified = models.BooleanField(
        default=False,
        help_text="Set on save: the quote was found in the source's text (ignoring spacing and quote marks).",
    )
    source_location = models.CharField(
        "where in the source", max_length=200, blank=True, help_text="e.g. 'paragraph 4'."
    )
    note = models.TextField(blank=True, help_text="Context a reader needs, e.g. how a stance is inferred.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__start_date", "agenda_item__issue__title", "participant__name"]
        constraints = [
            # Several statements of one participant with one stance in one source are allowed: the same
            # words twice are not. The quote is compared by its MD5, so that any length can be indexed.
            models.UniqueConstraint(
                "proposal",
                "participant",
                "stance",
                "source",
                MD5("quote"),
                condition=Q(proposal__isnull=False),
                name="position_unique_statement",
                violation_error_message="This source already records these words of this participant on this proposal.",
            ),
            models.CheckConstraint(condition=Q(stance="") | Q(stance__in=Stance.values), name="position_stance_valid"),
            models.CheckConstraint(condition=Q(evidence__in=Evidence.values), name="position_evidence_valid"),
            models.CheckConstraint(condition=Q(act="") | Q(act__in=Act.values), name="position_act_valid"),
            models.CheckConstraint(condition=Q(attribution__in=Attribution.values), name="position_attribution_valid"),
            models.CheckConstraint(
                condition=(Q(proposal__isnull=False) & Q(act="")) | (Q(proposal__isnull=True) & ~Q(act="")),
                name="position_proposal_or_act",
                violation_error_message="A position answers a proposal, or else it is an act (a walk-out, a boycott, "
                "a statement): choose one.",
            ),
            models.CheckConstraint(
                condition=Q(proposal__isnull=True) | (Q(meeting__isnull=False) & Q(agenda_item__isnull=False)),
                name="position_proposal_sets_meeting",
                violation_error_message="A position on a proposal is at the proposal's meeting.",
            ),
            models.CheckConstraint(
                condition=Q(proposal__isnull=False) | Q(agenda_item__isnull=True),
                name="position_item_only_with_proposal",
            ),
            models.CheckConstraint(
                condition=Q(act="") | Q(meeting__isnull=False) | Q(working_body__isnull=False),
                name="position_act_has_place",
                violation_error_message="An act happens at a meeting or is aimed at a working body: name one.",
            ),
            models.CheckConstraint(
                condition=~Q(stance="") | ~Q(act=""),
                name="position_stance_required_on_proposal",
                violation_error_message="Choose a stance on the proposal.",
            ),
            models.CheckConstraint(
                condition=Q(working_body__isnull=True) | ~Q(act=""),
                name="position_working_body_only_for_acts",
                violation_error_message="Only an act is aimed at a working body.",
            ),
            models.CheckConstraint(
                condition=Q(attribution=Attribution.REPORTED)
                | (Q(reported_by__isnull=True) & Q(reported_by_outlet="") & Q(reported_by_person__isnull=True)),
                name="position_reported_by_only_when_reported",
                violation_error_message="Only a reported position names who reported it.",
            ),
            models.CheckConstraint(
                condition=Q(attribution=Attribution.STATED)
                | Q(reported_by__isnull=False)
                | Q(reported_by_person__isnull=False)
                | ~Q(reported_by_outlet=""),
                name="position_reported_names_reporter",
                violation_error_message="A reported position names who reported it: "
                "a participant, a person or an outlet.",
            ),
            models.CheckConstraint(
                condition=~Q(reported_by=F("participant")),
                name="position_not_reported_by_itself",
                violation_error_message="A participant reporting its own position is a stated position.",
            ),
            models.CheckConstraint(
                condition=(Q(evidence=Evidence.CITED) & Q(quote="")) | (~Q(evidence=Evidence.CITED) & ~Q(quote="")),
                name="position_quote_unless_cited",
                violation_error_message="Quote the source, unless the evidence is 'cited' (then no quote is stored).",
            ),
            models.CheckConstraint(
                condition=~Q(evidence=Evidence.INFERRED) | ~Q(note=""),
                name="position_inferred_has_note",
                violation_error_message="An inferred position says in the note how it is read from the quote.",
            ),
        ]
        indexes = [
            # The blocking matrix: count meetings per (participant, issue) for some stances.
            models.Index(fields=["stance", "participant", "agenda_item"], name="position_matrix_idx"),
            models.Index(fields=["meeting", "participant"], name="position_meeting_idx"),
        ]

    def __str__(self):
        if not self.participant_id:
            return f"position ({self.stance or 'new'})"
        if self.act:
            where = self.meeting or self.working_body
            return f"{self.participant} {self.get_act_display()} ({where})"
        if self.proposal_id:
            return f"{self.participant} {self.stance} {self.proposal} ({self.meeting})"
        return f"{self.participant} {self.stance}"

    def clean(self):
        # The database holds the rules on one row; this one spans two.
        if self.proposal_id and self.meeting_id and self.proposal.agenda_item.meeting_id != self.meeting_id:
            raise ValidationError(
                {
                    "meeting": "A position on a proposal is at the proposal's meeting: leave the "
                    "meeting empty or choose that one."
                }
            )
        if self.source_id and self.evidence != Evidence.CITED and not self.source.is_stored:
            raise ValidationError(
                {"evidence": "This source's text is not stored, so it cannot be quoted: the evidence is 'cited'."}
            )
        # A form that leaves out `act` (a proposal's inline positions) skips the constraints naming it.
        if not self.act and not self.stance:
            raise ValidationError({"stance": "Choose a stance on the proposal."})
        # So that the rules checked next (the constraints) see the meeting and item the save will write.
        self.follow_proposal()

    def save(self, *args, **kwargs):
        self.follow_proposal()
        super().save(*args, **kwargs)

    def follow_proposal(self):
        """Take the meeting and agenda item from the proposal (an act has neither item nor proposal)."""
        if self.proposal_id:
            item = self.proposal.agenda_item
            self.agenda_item_id, self.meeting_id = item.pk, item.meeting_id
        else:
            self.agenda_item_id = None

    def get_absolute_url(self):
        """The position's permalink (issue 15)."""
        return reverse("pages:position-detail", kwargs={"pk": self.pk})

    @property
    def reporter_display(self):
        """The reporting participant, with the person in parentheses where named; else the person; else the outlet."""
        person = self.reported_by_person.name if self.reported_by_person_id else ""
        if self.reported_by_id:
            return f"{self.reported_by.name} ({person})" if person else self.reported_by.name
        return person or self.reported_by_outlet
