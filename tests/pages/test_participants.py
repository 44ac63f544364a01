"""A participant's page."""

import pytest

from governance.models import Chair, MembershipEvent
from tests.factories import ObserverFactory, ParticipantFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_participant_code_is_case_insensitive(client, blocked):
    assert client.get("/participants/rus/").status_code == 200
    html = client.get("/participants/RUS/").content.decode()
    assert "Holds a veto" in html and "blocked 2024" in html
    html = client.get("/participants/kpcsc/").content.decode()
    assert "Observer: a voice, not a veto" in html


def _event(participant, event, date, precision="day", source=None):
    record = MembershipEvent.objects.create(participant=participant, event=event, date=date, date_precision=precision)
    record.sources.add(source or SourceFactory())
    return record


def _section(html, slug):
    start = html.index(f'<h2 id="{slug}">')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def test_participants_are_listed_apart_by_standing(client):
    venezuela = ParticipantFactory(code="VEN", name="Venezuela")
    _event(venezuela, "admitted", "2003-01-01", "year")
    _event(venezuela, "withdrew", "2008-11-01", "month")
    _event(venezuela, "readmitted", "2016-11-17")
    suspended = _event(ParticipantFactory(code="CAF", name="Central African Republic"), "suspended", "2013-05-23")
    _event(ParticipantFactory(code="XXA", name="Gone Republic"), "withdrew", "2010-01-01", "year")
    ivory = ParticipantFactory(code="CIV", name="Côte d'Ivoire")
    _event(ivory, "restrictions_imposed", "2005-01-01", "year")
    ObserverFactory(code="WDC", name="World Diamond Council")
    _event(ObserverFactory(code="GW", name="Global Witness"), "withdrew", "2011-12-05")
    ParticipantFactory(code="AWDC", name="Antwerp World Diamond Centre", has_veto=False, kind="other")
    chair = Chair.objects.create(year=2016, role="chair", participant=venezuela)
    chair.sources.add(SourceFactory())

    html = client.get("/participants/").content.decode()

    current = _section(html, "current")
    assert "Venezuela" in current and "Côte d" in current
    assert "readmitted 17 Nov 2016" in current and ">2003</a>" in current  # the first admission, to the year
    assert "restrictions in force" in current and current.count("restrictions in force") == 1
    # A bar that a later readmission ended is not in force.
    _event(venezuela, "restrictions_imposed", "2013-11-01", "month")
    assert client.get("/participants/").content.decode().count("restrictions in force") == 1
    assert '<td data-label="Chaired the KP">2016</td>' in current
    assert "Central African Republic" in _section(html, "suspended") and "suspended 23 May 2013" in html
    assert "Gone Republic" in _section(html, "former") and "Gone Republic" not in current
    assert "World Diamond Council" in _section(html, "observers")
    assert "Global Witness" in _section(html, "former-observers")
    assert "Antwerp World Diamond Centre" in _section(html, "others")

    # A readmission ends a suspension: the participant moves back among the current ones.
    _event(suspended.participant, "readmitted", "2024-11-15")
    html = client.get("/participants/").content.decode()
    assert 'id="suspended"' not in html and "Central African Republic" in _section(html, "current")
