"""The CSV machinery: the formula-injection guard, batched streaming, the download response."""

import csv
import datetime
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exports.csvwriter import csv_response, neutralise, stream_csv
from kptracker.csvguard import GUARD, GUARDED_STARTS, guard, unguard

FIXED_NOW = datetime.datetime(2024, 11, 16, 9, 30, tzinfo=datetime.UTC)


def parse(text):
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n", "\0"])
def test_a_cell_starting_with_a_formula_character_gets_a_quote(start):
    value = f'{start}HYPERLINK("http://evil.example","click")'
    assert neutralise(value) == "'" + value


def test_every_formula_character_of_owasp_and_asvs_is_guarded():
    assert set(GUARDED_STARTS) == {"=", "+", "-", "@", "\t", "\r", "\n", "\0", GUARD}


@pytest.mark.parametrize("value", ["Russia blocks", "a=b", "", "12 Nov 2024", " =x", "x'"])
def test_other_text_is_left_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", ["'=already quoted", "'Tis the season", "'", "''"])
def test_a_cell_truly_starting_with_the_guard_quote_gets_one_more(value):
    """Otherwise "'=x" and "=x" would both be written "'=x", and an import could not tell them apart."""
    assert neutralise(value) == "'" + value


@given(st.text())
def test_the_guard_is_undone_exactly_for_any_text(text):
    cell = guard(text)
    assert unguard(cell) == text
    # what a spreadsheet would run never leads a cell
    assert not cell.startswith(tuple(c for c in GUARDED_STARTS if c != GUARD))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (21, "21"),
        (-5, "'-5"),
        (datetime.date(2024, 11, 12), "2024-11-12"),
        (datetime.datetime(2024, 11, 12, 9, 30), "2024-11-12T09:30:00"),
    ],
)
def test_non_text_values(value, cell):
    assert neutralise(value) == cell


def test_nul_survives_the_csv_round_trip_behind_its_quote():
    # PostgreSQL cannot store NUL in text, so the database round trip is tested without it.
    (row,) = parse("".join(stream_csv(["a"], [("\0 payload",)])))[1:]
    assert row == ["'\0 payload"]


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_csv_reader_gives_back_the_original_text_behind_the_guard_quote(values):
    rows = parse("".join(stream_csv([f"c{i}" for i in range(len(values))], [values])))
    assert len(rows) == 2
    for value, cell in zip(values, rows[1], strict=True):
        if value.startswith(GUARDED_STARTS):
            assert cell == "'" + value
        else:
            assert cell == value
        assert unguard(cell) == value


def test_rfc_4180_quoting_and_crlf_line_ends():
    text = "".join(stream_csv(["a", "b"], [('say "no", then leave', "two\nlines")]))
    assert text == 'a,b\r\n"say ""no"", then leave","two\nlines"\r\n'


def test_rows_are_yielded_in_batches_with_the_header_first():
    rows = [(n, f"row {n}") for n in range(4500)]
    chunks = list(stream_csv(["n", "label"], iter(rows), batch_size=2000))
    assert len(chunks) == 3
    assert chunks[0].startswith("n,label\r\n0,row 0\r\n")
    assert chunks[1].startswith("2000,row 2000\r\n")
    parsed = parse("".join(chunks))
    assert parsed[0] == ["n", "label"]
    assert parsed[1:] == [[str(n), f"row {n}"] for n in range(4500)]


def test_an_exact_number_of_batches_yields_no_empty_chunk():
    chunks = list(stream_csv(["n"], [(n,) for n in range(4000)], batch_size=2000))
    assert len(chunks) == 2
    assert all(chunks)


def test_no_rows_still_yields_the_header():
    assert list(stream_csv(["slug", "title"], [])) == ["slug,title\r\n"]


def test_csv_response_is_a_dated_utf8_attachment(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: FIXED_NOW)
    response = csv_response("positions", ["quote"], iter([("=1+1",), ("Côte d’Ivoire",)]))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="positions-2024-11-16.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert parse(body) == [["quote"], ["'=1+1"], ["Côte d’Ivoire"]]
