"""Is a quote really in its source? Checked ignoring spacing and typographic quote marks."""

import re

_QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u00b4": "'",  # ´
        "`": "'",
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
    }
)
_SPACE = re.compile(r"\s+")


def normalise(text):
    """Straight quote marks, and every run of white space (line breaks, non-breaking spaces) as one space."""
    return _SPACE.sub(" ", (text or "").translate(_QUOTE_MARKS)).strip()


def quote_pattern(quote):
    """A pattern finding the quote in a text with the check's tolerance (spacing, quote marks), so the
    words found can be shown as they stand in the source."""
    equivalent = {}
    for typed, plain in _QUOTE_MARKS.items():
        equivalent.setdefault(plain, {plain}).add(chr(typed))
    parts = []
    for word in quote.split():
        chars = []
        for char in word:
            plain = char.translate(_QUOTE_MARKS)
            if plain in equivalent:
                chars.append("[" + "".join(re.escape(c) for c in sorted(equivalent[plain])) + "]")
            else:
                chars.append(re.escape(char))
        parts.append("".join(chars))
    return re.compile(r"\s+".join(parts)) if parts else None


def quote_in_source(quote, source_text):
    quote = normalise(quote)
    return bool(quote) and quote in normalise(source_text)


def verify(position):
    """Set the position's quote_verified from its source's text; return whether all is well: the quote
    was found, or there is none to find (evidence 'cited')."""
    position.quote_verified = quote_in_source(position.quote, position.source.text if position.source_id else "")
    return position.quote_verified or not position.quote
