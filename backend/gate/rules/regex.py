"""Regular expressions, with named flags (never bit masks)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from backend.gate.rules import Found, LoadContext, Rule, Text, rule_types
from backend.yamlfile.schema import Field

FLAGS = {
    "ascii": re.ASCII,
    "dotall": re.DOTALL,
    "ignorecase": re.IGNORECASE,
    "multiline": re.MULTILINE,
    "verbose": re.VERBOSE,
}


@rule_types.register("regex")
class RegexRule(Rule):
    """Flags text that matches a Python regular expression.

    ``flags`` takes names: ascii, dotall, ignorecase, multiline, verbose. Write the pattern in
    single quotes in YAML so that backslashes reach the regular expression unchanged.

    Example::

        rule:
          id: statute-section
          type: regex
          pattern: '§\\s*\\d+|\\bsection\\s+\\d+[a-z]?\\s+of\\s+the\\b'
          flags: [ignorecase]
        should_flag:
          - Under § 1950.5 my landlord had 21 days to return the deposit.
          - Does Section 75 of the Consumer Credit Act apply here?
        should_pass:
          - The filter section of the app shows 20% left.
    """

    schema = {
        "pattern": Field(str, required=True),
        "flags": Field(list, item=str, choices=tuple(FLAGS)),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.source: str = options["pattern"]
        self.flags = 0
        for name in options.get("flags", []):
            self.flags |= FLAGS[name]
        self.pattern: re.Pattern[str] | None = None

    def validate(self, context: LoadContext) -> list[tuple[str | None, str]]:
        try:
            self.pattern = re.compile(self.source, self.flags)
        except re.error as exc:
            return [("pattern", f"bad regular expression '{self.source}': {exc}")]
        if self.pattern.search(""):
            return [("pattern", f"regular expression '{self.source}' matches empty text")]
        return []

    def find(self, text: Text) -> list[Found]:
        assert self.pattern is not None, "validate() compiles the pattern"
        return [Found(m.start(), m.end()) for m in self.pattern.finditer(text.value)]
