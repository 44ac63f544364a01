"""/api/v1/: the record for machines, read-only (issue 16), with django-ninja.

django-ninja rather than django-rest-framework with drf-spectacular: the API is read-only and built on
the site's own FilterSets and column declarations, so it needs no serializers, viewsets or routers;
django-ninja gives typed responses, the OpenAPI description and its docs page (served from the
package's own static files, no inline script, under the site's CSP) with one small dependency.

Every list takes exactly the parameters of its page and CSV, judged by the same FilterSet, and holds
the same rows, with the same keys, as the CSV: ids and codes are the CSV's (slugs for meetings and
issues, codes for participants, the numeric id for positions), and each result has its page's "url".
"""

from typing import Any

from django.urls import reverse
from ninja import NinjaAPI, Swagger
from pydantic import BaseModel, Field

from exports.filters import ChairFilter, MembershipFilter, ProposalFilter
from exports.tables import (
    CHAIR_COLUMNS,
    ISSUE_COLUMNS,
    MEETING_COLUMNS,
    MEMBERSHIP_COLUMNS,
    PARTICIPANT_COLUMNS,
    POSITION_COLUMNS,
    PROPOSAL_COLUMNS,
    matrix_rows,
    proposal_listing,
)
from governance.models import Chair, MembershipEvent
from governance.standing import standing_of, with_standing
from kptracker.params import StrictFilterSet
from meetings.models import Meeting, Participant
from pages.analysis import alignment_pairs, ranked
from pages.filters import AnalysisFilter, MatrixFilter, MeetingFilter, PositionFilter
from pages.search import problem_with
from pages.search import search as search_record
from pages.selectors import blocking_matrix
from positions.models import Issue, Position, Proposal

from .lists import (
    BadRequest,
    Described,
    NotFound,
    envelope,
    filter_parameters,
    filtered,
    page_model,
    page_of,
    paging,
)

api = NinjaAPI(
    title="kptracker API",
    version="1",
    description="The Kimberley Process record, read-only: meetings, participants, issues, proposals, "
    "positions, chairs, membership, the blocking matrix, the alignment and the search. Every list takes "
    "the filters of its page and CSV and holds the same rows; `page` and `page_size` (up to 500) page it.",
    urls_namespace="api",
    docs_url="/docs",
    # No deep links (each operation's link would sit inside its toggle button, a nested control) and no
    # separate models section (each schema is shown with the responses that use it): see
    # templates/ninja/swagger.html.
    docs=Swagger(settings={"deepLinking": False, "defaultModelsExpandDepth": -1}),
    openapi_url="/openapi.json",
)


# The docs page groups the endpoints under these headings (OpenAPI tags).
RECORDS, ANALYSIS = "The records", "Analysis: the matrix, the alignment and the search"


class Errors(BaseModel):
    errors: dict[str, list[str]] = Field(description="Each bad parameter, by name, with what is wrong.")


class Missing(BaseModel):
    detail: str


@api.exception_handler(BadRequest)
def bad_request(request, exc):
    return api.create_response(request, {"errors": exc.errors}, status=400)


@api.exception_handler(NotFound)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=404)


def absolute(request, path):
    return request.build_absolute_uri(path)


def one(envelope_):
    if not envelope_["results"]:
        raise NotFound("No such record.")
    return envelope_["results"][0]


def list_endpoint(path, name, filterset, described, summary):
    """Register GET `path` answering a page of `described` rows under `filterset`."""
    model = page_model(f"{name}Page", described.model())

    def decorate(view):
        return api.get(
            path,
            response={200: model, 400: Errors, 404: Missing},
            summary=summary,
            openapi_extra={"parameters": filter_parameters(filterset)},
            operation_id=name[0].lower() + name[1:] + "List",
            tags=[RECORDS],
        )(view)

    return decorate


def detail_endpoint(path, name, described, summary):
    model = described.model()
    return api.get(
        path,
        response={200: model, 404: Missing},
        summary=summary,
        operation_id=name[0].lower() + name[1:],
        tags=[RECORDS],
    )


# --- meetings ---------------------------------------------------------------------------------------------

MEETINGS = Described("Meeting", MEETING_COLUMNS, {"url": "The meeting's page."})


def _meeting_url(request):
    def decorate(result, extras):
        result["url"] = absolute(request, reverse("pages:meeting-detail", kwargs={"slug": extras[0]}))

    return decorate


@list_endpoint("/meetings", "Meeting", MeetingFilter, MEETINGS, "Meetings, as the timeline and meetings.csv")
def meetings(request):
    filterset = filtered(MeetingFilter, request, Meeting.objects.chronological())
    return page_of(request, filterset.qs, MEETING_COLUMNS, ("slug",), _meeting_url(request))


@detail_endpoint("/meetings/{slug}", "Meeting", MEETINGS, "A meeting, by its slug")
def meeting(request, slug: str):
    queryset = Meeting.objects.filter(slug=slug.lower())
    return one(page_of(_only(request), queryset, MEETING_COLUMNS, ("slug",), _meeting_url(request)))


# --- participants and issues --------------------------------------------------------------------------


class ParticipantList(StrictFilterSet):
    class Meta:
        model = Participant
        fields = []


class IssueList(StrictFilterSet):
    class Meta:
        model = Issue
        fields = []


PARTICIPANTS = Described(
    "Participant",
    PARTICIPANT_COLUMNS,
    {"standing": "current, suspended or former, from the latest membership event on record.", "url": "Its page."},
)
ISSUES = Described("Issue", ISSUE_COLUMNS, {"url": "The issue's page."})


def _participants(request, queryset):
    """A page of participants, each with its standing (one query for the page) and its page's url."""
    page = page_of(request, queryset, PARTICIPANT_COLUMNS)
    codes = [r["code"] for r in page["results"]]
    standings = {p.code: standing_of(p) for p in with_standing(Participant.objects.filter(code__in=codes))}
    for result in page["results"]:
        result["standing"] = standings.get(result["code"])
        result["url"] = absolute(request, reverse("pages:participant-detail", kwargs={"code": result["code"].lower()}))
    return page


@list_endpoint("/participants", "Participant", ParticipantList, PARTICIPANTS, "Participants and observers")
def participants(request):
    filterset = filtered(ParticipantList, request, Participant.objects.order_by("name"))
    return _participants(request, filterset.qs)


@detail_endpoint("/participants/{code}", "Participant", PARTICIPANTS, "A participant, by its code")
def participant(request, code: str):
    return one(_participants(_only(request), Participant.objects.filter(code=code.upper())))


def _issue_url(request):
    def decorate(result, extras):
        result["url"] = absolute(request, reverse("pages:issue-detail", kwargs={"slug": result["slug"]}))

    return decorate


@list_endpoint("/issues", "Issue", IssueList, ISSUES, "Issues")
def issues(request):
    filterset = filtered(IssueList, request, Issue.objects.order_by("title"))
    return page_of(request, filterset.qs, ISSUE_COLUMNS, (), _issue_url(request))


@detail_endpoint("/issues/{slug}", "Issue", ISSUES, "An issue, by its slug")
def issue(request, slug: str):
    return one(page_of(_only(request), Issue.objects.filter(slug=slug.lower()), ISSUE_COLUMNS, (), _issue_url(request)))


# --- proposals, positions, chairs, membership ------------------------------------------------------------

PROPOSALS = Described(
    "Proposal",
    PROPOSAL_COLUMNS,
    {
        "id": (int, "The proposal's number (several accounts of one proposal share it)."),
        "url": "The proposal on its meeting's page.",
    },
)


@list_endpoint("/proposals", "Proposal", ProposalFilter, PROPOSALS, "Proposals, a result per account, as proposals.csv")
def proposals(request):
    filterset = filtered(ProposalFilter, request, proposal_listing(Proposal.objects.chronological()))

    def decorate(result, extras):
        pk, slug = extras
        result["id"] = pk
        result["url"] = absolute(request, reverse("pages:meeting-detail", kwargs={"slug": slug}) + f"#proposal-{pk}")

    per_account = lambda queryset: queryset.values_list("pk", "accounts__id").count()  # noqa: E731
    extra = ("pk", "agenda_item__meeting__slug")
    return page_of(request, filterset.qs, PROPOSAL_COLUMNS, extra, decorate, count=per_account)


POSITIONS = Described(
    "Position",
    POSITION_COLUMNS,
    {"url": "The position's permalink.", "source_page": "The source's page here (source_url is its address)."},
)


def _position_decorate(request):
    def decorate(result, extras):
        pk, source_id = extras
        result["url"] = absolute(request, reverse("pages:position-detail", kwargs={"pk": pk}))
        result["source_page"] = absolute(request, reverse("pages:source-detail", kwargs={"pk": source_id}))

    return decorate


@list_endpoint("/positions", "Position", PositionFilter, POSITIONS, "Positions, as the position list and positions.csv")
def positions(request):
    filterset = filtered(PositionFilter, request, Position.objects.newest_first())
    return page_of(request, filterset.qs, POSITION_COLUMNS, ("pk", "source_id"), _position_decorate(request))


@detail_endpoint("/positions/{position_id}", "Position", POSITIONS, "A position, by its id")
def position(request, position_id: int):
    queryset = Position.objects.filter(pk=position_id)
    return one(page_of(_only(request), queryset, POSITION_COLUMNS, ("pk", "source_id"), _position_decorate(request)))


CHAIRS = Described("Chair", CHAIR_COLUMNS, {"url": "The participant's page."})
MEMBERSHIPS = Described("Membership", MEMBERSHIP_COLUMNS, {"url": "The participant's membership history."})


def _participant_link(request, anchor=""):
    def decorate(result, extras):
        code = result["participant_code"]
        result["url"] = absolute(request, reverse("pages:participant-detail", kwargs={"code": code.lower()}) + anchor)

    return decorate


@list_endpoint("/chairs", "Chair", ChairFilter, CHAIRS, "Chairs per year and role, as chairs.csv")
def chairs(request):
    filterset = filtered(ChairFilter, request, Chair.objects.chronological())
    return page_of(request, filterset.qs, CHAIR_COLUMNS, (), _participant_link(request))


@list_endpoint("/memberships", "Membership", MembershipFilter, MEMBERSHIPS, "Membership events, as memberships.csv")
def memberships(request):
    filterset = filtered(MembershipFilter, request, MembershipEvent.objects.chronological())
    return page_of(request, filterset.qs, MEMBERSHIP_COLUMNS, (), _participant_link(request, "#membership"))


# --- the matrix, the alignment, the search --------------------------------------------------------------


class Pair(BaseModel):
    participant_a: str
    participant_b: str
    shared_proposals: int = Field(description="Proposals on which both took a side (adoptions by consensus left out).")
    same_side: int = Field(description="Of those, the ones on which they took the same side.")
    share: float = Field(description="same_side / shared_proposals.")
    too_few: bool = Field(description="Fewer shared proposals than the page ranks.")


def _listed(request, rows):
    page, page_size = paging(request)
    start = (page - 1) * page_size
    return envelope(request, len(rows), page, page_size, rows[start : start + page_size])


@api.get(
    "/matrix",
    response={200: page_model("MatrixPage", dict[str, Any]), 400: Errors, 404: Missing},
    summary="The blocking matrix, a row per participant as matrix.csv: a count of meetings per issue (or meeting)",
    openapi_extra={"parameters": filter_parameters(MatrixFilter)},
    operation_id="matrix",
    tags=[ANALYSIS],
)
def matrix(request):
    filterset = filtered(MatrixFilter, request, Position.objects.all())
    header, rows = matrix_rows(blocking_matrix(filterset))
    return _listed(request, [dict(zip(header, row, strict=True)) for row in rows])


@api.get(
    "/alignment",
    response={200: page_model("AlignmentPage", Pair), 400: Errors, 404: Missing},
    summary="Who sides with whom: every pair, as alignment.csv, closest first",
    openapi_extra={"parameters": filter_parameters(AnalysisFilter)},
    operation_id="alignment",
    tags=[ANALYSIS],
)
def alignment(request):
    filterset = filtered(AnalysisFilter, request, Position.objects.all())
    enough, few = ranked(alignment_pairs(filterset.qs, evidence=filterset.chosen("evidence")))
    rows = [
        {"participant_a": p.a, "participant_b": p.b, "shared_proposals": p.shared, "same_side": p.agree,
         "share": round(p.share, 3), "too_few": p.too_few}
        for p in enough + few
    ]  # fmt: skip
    return _listed(request, rows)


class Found(BaseModel):
    label: str
    url: str | None = Field(description="Its page (for a person, their affiliation's; null for none).")
    snippet: str = Field(description="The words around what was found, as HTML with <mark> around each found word.")


class SearchGroup(BaseModel):
    kind: str
    count: int
    results: list[Found] = Field(description="The first ten, best first.")


class SearchAnswer(BaseModel):
    q: str
    groups: list[SearchGroup]


@api.get(
    "/search",
    response={200: SearchAnswer, 400: Errors},
    summary="One search over the record, grouped by kind, as /search/",
    openapi_extra={
        "parameters": [
            {
                "in": "query",
                "name": "q",
                "required": True,
                "schema": {"type": "string"},
                "description": "Words to find; on PostgreSQL web-search syntax.",
            }
        ]
    },  # fmt: skip
    operation_id="search",
    tags=[ANALYSIS],
)
def search(request):
    unknown = [name for name in request.GET if name != "q"]
    if unknown:
        raise BadRequest({name: [f"This endpoint has no parameter '{name[:40]}'. It takes: q."] for name in unknown})
    q = request.GET.get("q", "")
    problem = problem_with(q)
    if problem:
        raise BadRequest({"q": ["Give words to search for." if problem == "empty" else problem]})
    groups = [
        {
            "kind": group.kind.key,
            "count": group.count,
            "results": [
                {"label": str(row), "url": _found_url(request, row), "snippet": str(row.snippet_html)}
                for row in group.results
            ],
        }
        for group in search_record(q)
    ]
    return {"q": q, "groups": groups}


def _found_url(request, row):
    """A result's page: a person has none, so their affiliation's (as the search page links them)."""
    if hasattr(row, "get_absolute_url"):
        return absolute(request, row.get_absolute_url())
    affiliation = getattr(row, "affiliation", None)
    return absolute(request, affiliation.get_absolute_url()) if affiliation else None


def _only(request):
    """The request as a detail view reads it: no paging parameters of its own."""
    if request.GET:
        raise BadRequest({name: ["A single record takes no parameter."] for name in request.GET})
    return request
