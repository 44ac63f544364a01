"""The CSV exports of every view, the whole-dataset package and its numbered releases.

Each CSV export takes the same query parameters as its page and runs them through the same
FilterSet, so the file holds exactly the rows the page shows, unpaginated. proposals.csv, chairs.csv
and memberships.csv have FilterSets of their own (exports.filters), built from the same parts; every
CSV export also takes `bom` (exports.filters.CsvOptions).
"""

from functools import wraps

from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from governance.models import Chair, MembershipEvent
from kptracker.params import Parameters
from meetings.models import Meeting
from pages.analysis import alignment_pairs, compared_positions, comparison_rows, ranked
from pages.filters import AnalysisFilter, CompareFilter, MatrixFilter, MeetingFilter, PositionFilter
from pages.selectors import blocking_matrix
from positions.models import Position, Proposal

from .cache import cached_export, keep_if_small
from .csvwriter import csv_response, csv_stream_response, dated_filename
from .filters import ChairFilter, CsvOptions, MembershipFilter, ProposalFilter
from .package import stream_package_zip
from .pgcopy import stream_position_copy
from .releases import CONTENT_TYPES, FILE_KINDS, find_release, latest_release, published_releases
from .sqlcsv import stream_position_sqlite
from .tables import (
    chair_rows,
    count_rows,
    matrix_rows,
    meeting_rows,
    membership_rows,
    proposal_listing,
    proposal_rows,
)


def bad_parameters_response(errors):
    """400, in plain text, naming every bad parameter ({name: [message]}): never a 500, never a silently
    unfiltered file."""
    lines = []
    for name, messages in errors.items():
        label = "request" if name == "__all__" else f"parameter '{name[:40]}'"
        lines.extend(f"Bad {label}: {message}" for message in messages)
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


class BadParameters(Exception):
    def __init__(self, errors):
        self.errors = errors


def csv_export(view):
    """A CSV export: GET or HEAD only, a BadParameters raised by `judged` answered with the 400, and a
    small export served from the cache (exports.cache)."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        cached, key = cached_export(request) if request.method == "GET" else (None, None)
        if cached:
            return cached
        try:
            response = view(request, *args, **kwargs)
        except BadParameters as bad:
            return bad_parameters_response(bad.errors)
        if key and response.status_code == 200 and getattr(response, "filename_stem", None):
            return keep_if_small(response, key)
        return response

    return wrapper


def judged(request, filterset_class, queryset):
    """(filterset, options): the export's FilterSet over `queryset` and its CsvOptions, both valid. Each
    judges its own parameters: the FilterSet every one but the options (an unknown one is its error).

    Raises BadParameters naming every bad parameter, the filters' and the options' alike."""
    options = CsvOptions(request.GET)
    filters = request.GET.copy()
    for name in CsvOptions.names:
        filters.pop(name, None)
    filterset = filterset_class(filters, queryset=queryset)
    errors = {}
    for name, messages in [*filterset.errors.items(), *options.errors.items()]:
        errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    if errors:
        raise BadParameters(errors)
    return filterset, options


@csv_export
def meetings_csv(request):
    filterset, options = judged(request, MeetingFilter, Meeting.objects.chronological())
    return csv_response("kptracker-meetings", *meeting_rows(filterset.qs), bom=options.bom_first)


@csv_export
def positions_csv(request):
    filterset, options = judged(request, PositionFilter, Position.objects.newest_first())
    stream = stream_position_copy if connection.vendor == "postgresql" else stream_position_sqlite
    return csv_stream_response("kptracker-positions", stream(filterset.qs), bom=options.bom_first)


@csv_export
def counts_csv(request):
    """Positions counted per participant, stance, stage and year, for charting tools: the positions of
    positions.csv under the same filters, grouped in the database."""
    filterset, options = judged(request, PositionFilter, Position.objects.all())
    return csv_response("kptracker-counts", *count_rows(filterset.qs), bom=options.bom_first)


@csv_export
def proposals_csv(request):
    """A row per account of how a proposal was decided; a proposal with no account has one row."""
    filterset, options = judged(request, ProposalFilter, proposal_listing(Proposal.objects.chronological()))
    return csv_response("kptracker-proposals", *proposal_rows(filterset.qs), bom=options.bom_first)


@csv_export
def chairs_csv(request):
    filterset, options = judged(request, ChairFilter, Chair.objects.chronological())
    return csv_response("kptracker-chairs", *chair_rows(filterset.qs), bom=options.bom_first)


@csv_export
def memberships_csv(request):
    filterset, options = judged(request, MembershipFilter, MembershipEvent.objects.chronological())
    return csv_response("kptracker-memberships", *membership_rows(filterset.qs), bom=options.bom_first)


@csv_export
def matrix_csv(request):
    """The matrix as shown: a row per participant, a column per issue (or meeting), counts of meetings."""
    filterset, options = judged(request, MatrixFilter, Position.objects.all())
    matrix = blocking_matrix(filterset)
    stem = "kptracker-matrix-by-meeting" if matrix["by_meeting"] else "kptracker-matrix"
    return csv_response(stem, *matrix_rows(matrix), bom=options.bom_first)


@csv_export
def compare_csv(request):
    """The comparison as shown: a row per proposal, a stance column per participant, and the verdict."""
    filterset, options = judged(request, CompareFilter, Position.objects.all())
    chosen = filterset.compared()
    rows = comparison_rows(compared_positions(filterset), chosen)
    header = ["meeting", "meeting_date", "issue", "proposal", "stage"] + [p.code for p in chosen] + ["verdict"]

    def cell(positions):
        # Each stance with its evidence and its position's id, e.g. "blocks (inferred) #12; supports #30".
        return "; ".join(f"{p.stance}{'' if p.evidence == 'quoted' else f' ({p.evidence})'} #{p.pk}" for p in positions)

    body = (
        [
            row.meeting.slug,
            row.meeting.start_date.isoformat(),
            row.issue.slug,
            row.proposal.text,
            row.proposal.stage,
            *[cell(positions) for positions in row.cells],
            row.verdict,
        ]
        for row in rows
    )
    return csv_response("kptracker-compare", header, body, bom=options.bom_first)


@csv_export
def alignment_csv(request):
    """Every pair as on /alignment/: shared proposals, same side, the share, and whether too few to rank."""
    filterset, options = judged(request, AnalysisFilter, Position.objects.all())
    enough, few = ranked(alignment_pairs(filterset.qs, evidence=filterset.chosen("evidence")))
    header = ["participant_a", "participant_b", "shared_proposals", "same_side", "share", "too_few"]
    body = ([p.a, p.b, p.shared, p.agree, f"{p.share:.3f}", p.too_few] for p in enough + few)
    return csv_response("kptracker-alignment", header, body, bom=options.bom_first)


def takes_no_parameters(reason):
    """An export that takes no query parameter: any is a 400 naming it, for `reason`. GET or HEAD only."""

    def decorate(view):
        @require_safe
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if unknown := Parameters().unknown(request.GET):
                return bad_parameters_response({name: [reason] for name in unknown})
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


@takes_no_parameters("the data package takes no parameters; it holds the whole dataset.")
def data_package(request):
    """The whole dataset as a zip of CSVs with datapackage.json and README.md, streamed as it is built."""
    created = timezone.now()
    response = StreamingHttpResponse(
        stream_package_zip(created, url=request.build_absolute_uri(), releases=published_releases()),
        content_type="application/zip",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=dated_filename("kptracker-data", "zip", timezone.localdate(created))
    )
    return response


# --- the numbered releases (exports.releases) ------------------------------------------------------


def _cited(request, release):
    """A release with its page's address and its citation, as text and BibTeX, giving that address."""
    url = request.build_absolute_uri(release.get_absolute_url())
    return {"release": release, "url": url, "citation": release.citation(url), "bibtex": release.bibtex(url)}


NO_RELEASE_PARAMETERS = "the releases take no parameters: each is one fixed set of files."


@takes_no_parameters(NO_RELEASE_PARAMETERS)
def releases(request):
    """Every release, newest first; with none, how to make one."""
    shown = [_cited(request, release) for release in published_releases()]
    return render(request, "exports/release_list.html", {"releases": shown})


@takes_no_parameters(NO_RELEASE_PARAMETERS)
def release(request, version):
    found = find_release(version)
    if found is None:
        raise Http404("No such release.")
    return render(request, "exports/release_detail.html", {"shown": _cited(request, found)})


@takes_no_parameters(NO_RELEASE_PARAMETERS)
def release_file(request, version, filename):
    """A file of a release, streamed from disk: only a file its release.json lists, by its exact name."""
    found = find_release(version)
    listed = found.file(filename) if found else None
    if listed is None or not found.path(listed).is_file():
        raise Http404("No such file in this release.")
    return FileResponse(
        found.path(listed).open("rb"),
        as_attachment=True,
        filename=listed.name,
        content_type=CONTENT_TYPES.get(listed.kind, "application/octet-stream"),
    )


def _latest():
    newest = latest_release()
    if newest is None:
        raise Http404("No release has been made yet.")
    return newest


@takes_no_parameters(NO_RELEASE_PARAMETERS)
def latest_release_page(request):
    """The newest release's page: a stable address that moves on with each release."""
    return redirect(_latest())


@takes_no_parameters(NO_RELEASE_PARAMETERS)
def latest_release_file(request, kind):
    """The newest release's file of a kind (data.zip, data.sqlite3): a stable download link."""
    newest = _latest()
    listed = newest.file_of_kind(kind) if kind in FILE_KINDS else None
    if listed is None:
        raise Http404("No such kind of file.")
    return redirect(reverse("exports:release-file", kwargs={"version": newest.number, "filename": listed.name}))
