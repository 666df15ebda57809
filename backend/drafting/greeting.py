"""The reply greets the requester by first name, without the name ever reaching a drafter.

The pipeline adds the requester's first name to the ticket's vault and swaps the draft's
opening salutation ("Hi there,", or a model's "Hello <PERSON_1>,") for one with that
placeholder; restoring the draft for the agent puts the name in. A drafter only ever sees
and writes placeholders.
"""

from __future__ import annotations

import re
from dataclasses import replace

from backend.redaction.vault import Vault
from backend.types import DraftText

HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir madam".split())
NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")
# The salutation a drafter opens with: a greeting word, maybe a generic or placeholder
# addressee, then a comma. Only the first line is touched.
SALUTATION = re.compile(
    r"\A(?P<word>hi|hello|hey|dear|good (?:morning|afternoon|evening))"
    r"(?: there| all| team| customer| <PERSON(?:_\d+)?>)?,",
    re.IGNORECASE,
)


def first_name(name: str) -> str:
    """The first name in a helpdesk's requester name, or "" when it does not look like one."""
    if "@" in name:
        return ""
    if "," in name:  # "Nakamura, Paul"
        name = name.split(",", 1)[1]
    tokens = [t for t in name.split() if t.lower().rstrip(".") not in HONORIFICS]
    if not tokens or len(tokens[0]) < 2 or not NAME_WORD.match(tokens[0]):
        return ""
    return tokens[0]


def salutation_placeholder(vault: Vault, requester_name: str) -> str:
    """The vault's placeholder for the requester's first name ("" when none is known)."""
    first = first_name(requester_name)
    return vault.placeholder_for("PERSON", first) if first else ""


def addressed(draft: DraftText, placeholder: str) -> DraftText:
    """The draft with its opening salutation addressed to ``placeholder``."""
    if not placeholder:
        return draft
    text = SALUTATION.sub(lambda m: f"{m.group('word')} {placeholder},", draft.text, count=1)
    return replace(draft, text=text)
