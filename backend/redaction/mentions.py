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
