"""Which language a text is written in, so a language the gate was not measured on is never
passed silently.

py3langid's naive Bayes model ships inside its package (no download) and takes well under a
millisecond per ticket. Detection is limited to languages support teams commonly receive,
which makes short texts far more reliable; a text too short or too mixed to tell is
"undetermined" and judged like any other.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

NAMES = {
    "ar": "Arabic",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
MIN_WORDS = 3
MIN_PROBABILITY = 0.7
# Placeholders (<PERSON_1>), ids and numbers say nothing about the language.
NOISE = re.compile(r"<[A-Z_]+(?:_\d+)?>|\S*\d\S*|https?://\S+")


@dataclass(frozen=True)
class Language:
    code: str
    probability: float

    @property
    def name(self) -> str:
        return NAMES.get(self.code, self.code)


def detect(text: str) -> Language | None:
    """The text's language, or None when it is too short or too uncertain to tell."""
    words = NOISE.sub(" ", text)
    if len(words.split()) < MIN_WORDS:
        return None
    code, probability = _identifier().classify(words)
    if probability < MIN_PROBABILITY:
        return None
    return Language(str(code), round(float(probability), 3))


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import (  # type: ignore[import-untyped]  # loaded on first use
        MODEL_FILE,
        LanguageIdentifier,
    )

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(NAMES))
    return identifier
