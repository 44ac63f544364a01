"""The CSV exports of every view and the whole-dataset package.

Each CSV export takes the same query parameters as its page and runs them through the same
FilterSet, so the file holds exactly the rows the page shows, unpaginated. proposals.csv, chairs.csv
and memberships.csv have FilterSets of their own (exports.filters), built from the same parts.
"""

from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
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

from .csvwriter import csv_response, csv_stream_response, dated_filename
from .filters import ChairFilter, MembershipFilter, ProposalFilter
from .package import stream_package_zip
from .pgcopy import stream_position_copy
from .sqlcsv import stream_position_sqlite
from .tables import chair_rows, matrix_rows, meeting_rows, membership_rows, proposal_listing, proposal_rows


def bad_parameters_response(errors):
    """400, in plain text, naming every bad parameter ({name: [message]}): never a 500, never a silently
    unfiltered file."""
    lines = []
    for name, messages in errors.items():
        label = "request" if name == "__all__" else f"parameter '{name[:40]}'"
        lines.extend(f"Bad {label}: {message}" for message in messages)
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def bad_filter_response(filterset):
    return bad_parameters_response(filterset.errors)


@require_safe
def meetings_csv(request):
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.chronological())
    if not filterset.is_valid():
        return bad_filter_response(filterset)
    return csv_response("kptracker-meetings", *meeting_rows(filterset.qs))


@require_safe
def positions_csv(request):
    filterset = PositionFilter(
        request.GET,
        queryset=Position.objects.newest_first(),
    )
    if not filterset.is_valid():
        return bad_filter_response(filterset)
    stream = stream_position_copy if connection.vendor == "postgresql" else stream_position_sqlite
    return csv_stream_response("kptracker-positions", stream(filterset.qs))


@require_safe
def proposals_csv(request):
    """A row per account of how a proposal was decided; a proposal with no account has one row."""
    filterset = ProposalFilter(request.GET, queryset=proposal_listing(Proposal.objects.chronological()))
    if not filterset.is_valid():
        return bad_filter_response(filterset)
    return csv_response("kptracker-proposals", *proposal_rows(filterset.qs))


@require_safe
def chairs_csv(request):
    filterset = ChairFilter(request.GET, queryset=Chair.objects.chronological())
    if not filterset.is_valid():
        return bad_filter_response(filterset)
    return csv_response("kptracker-chairs", *chair_rows(filterset.qs))


@require_safe
def memberships_csv(request):
    filterset = MembershipFilter(request.GET, queryset=MembershipEvent.objects.chronological())
    if not filterset.is_valid():
        return bad_filter_response(filterset)
    return csv_response("kptracker-memberships", *membership_rows(filterset.qs))


@require_safe
def matrix_csv(request):
    """The matrix as shown: a row per participant, a column per issue (or meeting), counts of meetings."""
    filterset = MatrixFilter(request.GET, queryset=Position.objects.all())
    if not filterset.is_valid():
        return bad_filter_response(filterset)
    matrix = blocking_matrix(filterset)
    stem = "kptracker-matrix-by-meeting" if matrix["by_meeting"] else "kptracker-matrix"
    return csv_response(stem, *matrix_rows(matrix))


@require_safe
def compare_csv(request):
    """The comparison as shown: a row per proposal, a stance column per participant, and the verdict."""
    filterset = CompareFilter(request.GET, queryset=Position.objects.all())
    if not filterset.is_valid():
        return bad_filter_response(filterset)
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
    return csv_response("kptracker-compare", header, body)


@require_safe
def alignment_csv(request):
    """Every pair as on /alignment/: shared proposals, same side, the share, and whether too few to rank."""
    filterset = AnalysisFilter(request.GET, queryset=Position.objects.all())
    if not filterset.is_valid():
        return bad_filter_response(filterset)
    enough, few = ranked(alignment_pairs(filterset.qs, evidence=filterset.chosen("evidence")))
    header = ["participant_a", "participant_b", "shared_proposals", "same_side", "share", "too_few"]
    body = ([p.a, p.b, p.shared, p.agree, f"{p.share:.3f}", p.too_few] for p in enough + few)
    return csv_response("kptracker-alignment", header, body)


@require_safe
def data_package(request):
    """The whole dataset as a zip of CSVs with datapackage.json and README.md, streamed as it is built."""
    if unknown := Parameters().unknown(request.GET):
        reason = "the data package takes no parameters; it holds the whole dataset."
        return bad_parameters_response({name: [reason] for name in unknown})
    created = timezone.now()
    response = StreamingHttpResponse(
        stream_package_zip(created, url=request.build_absolute_uri()), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=dated_filename("kptracker-data", "zip", timezone.localdate(created))
    )
    return response
