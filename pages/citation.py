""" "Cite this": a position as plain text, BibTeX and CSL-JSON, pointing at its permalink.

The citation is of kptracker's record (a dataset entry), with the source it rests on named in it,
so a reader can follow both: our record, and the passage it cites.
"""

import json

from meetings.dates import human_partial_date

# Characters BibTeX treats specially, and how to write them literally.
_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text):
    return "".join(_BIBTEX.get(char, char) for char in str(text))


def _what(position):
    """'Russia blocks "Discuss the role…" (agenda stage)' or 'United Kingdom: boycott'."""
    who = position.participant.name
    if position.proposal_id:
        return f"{who} {position.get_stance_display()} “{position.proposal.text}” ({position.proposal.stage} stage)"
    act = position.get_act_display() if position.act else "statement"
    return f"{who}: {act}"


def _source_part(position):
    source = position.source
    parts = [f"“{source.title}”"]
    if source.publisher:
        parts.append(source.publisher)
    if source.published_date:
        parts.append(human_partial_date(source.published_date, source.published_precision))
    if position.source_location:
        parts.append(position.source_location)
    return ", ".join(parts)


def citations(position, url, changed):
    """{"text": ..., "bibtex": ..., "csl": ...} for a position at its absolute permalink `url`, last
    changed on `changed` (a date)."""
    meeting = position.meeting.title if position.meeting_id else ""
    title = _what(position) + (f", {meeting}" if meeting else "")
    key = f"kptracker-position-{position.pk}"
    text = (
        f"kptracker, position {position.pk}: {title}. Source: {_source_part(position)}. "
        f"Recorded {changed:%-d %B %Y}. {url}"
    )
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  title = {{{bibtex_escape(title)}}},",
            "  author = {{kptracker}},",
            f"  year = {{{changed.year}}},",
            f"  howpublished = {{\\url{{{url}}}}},",
            f"  note = {{Source: {bibtex_escape(_source_part(position))}. Recorded {changed.isoformat()}}},",
            "}",
        ]
    )
    csl = {
        "id": key,
        "type": "dataset",
        "title": title,
        "author": [{"literal": "kptracker"}],
        "issued": {"date-parts": [[changed.year, changed.month, changed.day]]},
        "URL": url,
        "note": f"Source: {_source_part(position)}",
    }
    return {"text": text, "bibtex": bibtex, "csl": json.dumps([csl], ensure_ascii=False, indent=2)}
