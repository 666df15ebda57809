"""Other mentions of a name already found: "directed by Ana Ruiz and starring Ruiz".

Once a name is redacted anywhere in a text, each of its words (capitalised, three letters or
more) is redacted wherever else it stands as a whole word, so a surname or first name used
alone later in the ticket does not give the person away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from backend.redaction.recognizers import NOT_NAMES

WORD = re.compile(r"[^\W\d_][\w'’-]*")


def name_words(text: str, names: Sequence[tuple[int, int]]) -> set[str]:
    """The words of the names at ``names`` worth looking for again."""
    return {
        w
        for start, end in names
        for w in WORD.findall(text[start:end])
        if len(w) >= 3 and w[0].isupper() and w.casefold() not in NOT_NAMES
    }


def repeated_names(
    text: str, names: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """Whole-word mentions of a name's words that no span in ``taken`` overlaps."""
    words = name_words(text, names)
    if not words:
        return
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    for m in re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            yield m.start(), m.end()


# "Eklund, Michael and Hodge": single capitalised words listed with "," and "and" / "&".
LISTED = re.compile(
    r"(?<![\w-])[^\W\d_][\w'’-]*(?:[ \t]*,[ \t]*[^\W\d_][\w'’-]*)*,?[ \t]+(?:and|&)[ \t]+"
    r"[^\W\d_][\w'’-]*(?![\w-])"
)
# "Ana: where is it?" - a speaker's name before a colon at the start of a chat line
SPEAKER = re.compile(r"^[ \t>]*([^\W\d_][\w'’-]*)[ \t]*:(?=[ \t]*\S)", re.MULTILINE)
FIRM_WORDS = frozenset(
    "llc llp inc ltd co partners associates group orchestra band law solicitors".split()
)
FIELD_LABELS = frozenset(
    """name phone email e-mail date time address note notes status subject priority order
    ticket reply update error from to cc bcc re fwd summary description details comment
    location city country website mobile fax tel company title tags type id system question
    answer q a""".split()
)


def listed_names(
    text: str, names: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """The other capitalised words of a list that a found name is part of."""
    for m in LISTED.finditer(text):
        if _company(text, m.start(), m.end()):
            continue
        items = [(w.start() + m.start(), w.end() + m.start()) for w in WORD.finditer(m.group())]
        items = [(a, b) for a, b in items if text[a:b] not in ("and",)]
        if any(_overlaps(item, names) for item in items):
            yield from (
                i for i in items if _capitalised(text[i[0] : i[1]]) and not _overlaps(i, taken)
            )


def speakers(
    text: str, names: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """In a chat where one speaker's label is a found name, the other speakers' labels."""
    labels = [m.span(1) for m in SPEAKER.finditer(text)]
    if not any(_overlaps(label, names) for label in labels):
        return
    for start, end in labels:
        word = text[start:end]
        if (
            _capitalised(word)
            and word.casefold() not in FIELD_LABELS
            and not _overlaps((start, end), taken)
        ):
            yield start, end


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper() and word.casefold() not in NOT_NAMES


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in spans)


def _company(text: str, start: int, end: int) -> bool:
    """'Marshall, Hernandez and Simpson' alone on a line or before 'LLC': a firm's name."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end) % (len(text) + 1)
    before, after = text[line_start:start], text[end:line_end]
    whole_line = not before.strip(" \t>") and not after.strip(" \t.")
    following = after.split()[:1]
    return whole_line or bool(following and following[0].casefold().strip(".,") in FIRM_WORDS)
