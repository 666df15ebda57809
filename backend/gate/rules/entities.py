"""Entity conditions: built-in recognisers for things that signal a regulated domain."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from backend.gate.rules import Found, Rule, Text, rule_types
from backend.gate.rules.terms import compile_terms
from backend.yamlfile.schema import Field

DRUGS = """
acetaminophen paracetamol ibuprofen naproxen aspirin diclofenac celecoxib tramadol codeine
oxycodone hydrocodone morphine fentanyl gabapentin pregabalin amoxicillin azithromycin
doxycycline ciprofloxacin cephalexin penicillin metronidazole prednisone prednisolone
dexamethasone hydrocortisone albuterol salbutamol fluticasone budesonide montelukast
salmeterol formoterol tiotropium cetirizine loratadine fexofenadine diphenhydramine
melatonin metformin insulin glipizide sitagliptin semaglutide ozempic wegovy liraglutide
lisinopril losartan amlodipine metoprolol atenolol propranolol hydrochlorothiazide
furosemide spironolactone atorvastatin simvastatin rosuvastatin warfarin apixaban
rivaroxaban clopidogrel levothyroxine omeprazole pantoprazole esomeprazole ranitidine
famotidine sertraline fluoxetine citalopram escitalopram paroxetine venlafaxine duloxetine
bupropion trazodone mirtazapine amitriptyline lithium lamotrigine valproate quetiapine
risperidone olanzapine aripiprazole alprazolam lorazepam diazepam clonazepam zolpidem
methylphenidate adderall ritalin amphetamine sumatriptan estradiol progesterone
testosterone finasteride sildenafil tadalafil benadryl tylenol advil motrin aleve zyrtec
claritin allegra xanax valium ambien prozac zoloft lexapro wellbutrin lipitor synthroid
eliquis xarelto ventolin singulair flonase symbicort advair epipen epinephrine
"""

PATTERNS: dict[str, str] = {
    "dosage": r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|ml|iu|units?|puffs?|tablets?|capsules?|pills?)\b"
    r"|\b(?:once|twice|three times) (?:a|per) day\b",
    "statute": r"§+\s*\d|\b\d+\s+U\.?S\.?C\.?\b|\bC\.?F\.?R\.?\b"
    r"|\b(?:[A-Z][a-z]+\s+){1,4}(?:Act|Statutes?)\b"
    r"|\b(?:Civil|Penal|Criminal|Labou?r|Vehicle|Tax|Family|Commercial|Probate|Government|"
    r"Insurance|Housing|Property|Consumer)\s+Code\b"
    r"|\bTitle\s+(?:VII|IX|\d+)\b|\bsection\s+\d+[a-z]?\s+of\b",
    "court": r"\b(?:small[\s-]claims|supreme|district|county|circuit|family|housing|"
    r"bankruptcy|probate|appeals?|magistrates?['’]?|crown|high|federal|civil|tax)\s+court\b"
    r"|\b[A-Z][a-z]+ v\.? [A-Z][a-z]+\b|\btribunal\b",
}
LEXICONS: dict[str, str] = {
    "drug": DRUGS,
    "security": """stock stocks etf etfs "mutual fund*" "index fund*" bonds "bond fund*" treasuries
        "treasury bond*" "treasury bill*" dividend* reit reits
        "stock option*" "call option*" "put option*" cryptocurrenc* bitcoin ethereum
        equities securities "capital gain*" brokerage "investment portfolio\"""",
    "account_type": """401k 401(k) 403b 403(b) 457(b) ira iras "roth ira" roth hsa fsa 529
        "brokerage account" tfsa rrsp resp isa "stocks and shares isa" sipp pension*
        annuit* "retirement account*" "custodial account" "trust fund\"""",
    "coverage_term": """deductible* premiums "insurance premium*" copay* co-pay* coinsurance
        "out of pocket maximum" "out-of-pocket maximum" riders "primary beneficiar*"
        "contingent beneficiar*" underwrit*
        policyholder* "term life" "whole life" "universal life" "pre-existing condition*"
        subrogation "claim adjuster" adjuster "coverage limit*" "policy limit*"
        "elimination period" "waiting period" "cash value" "surrender value\"""",
    "condition": r"""syndrome* disease* disorder* deficienc* cancer* carcinoma* tumor* tumour*
        infection* diabetes asthma copd hypertension arrhythmia* apnea apnoea dementia
        alzheimer* parkinson* epilepsy seizure* migraine* adhd
        pneumonia bronchitis eczema psoriasis arthritis osteoporosis anemia
        anaemia stroke concussion fracture* miscarriage""",
}
# Medical word endings: -itis, -osis, -emia, -oma, -pathy, ... (arthritis, nephropathy).
CONDITION_ENDINGS = (
    r"\b[a-z]{3,}(?:itis|osis|aemia|emia|omas?|pathy|pathies|plasia|trophy|algia|"
    r"ectomy|otomy|uria|penia|cytosis|philia|sclerosis|lepsy|plegia|trophies)\b"
)
KINDS = tuple(sorted({*PATTERNS, *LEXICONS}))


def _lexicon(words: str) -> list[str]:
    return [w.strip('"') for w in re.findall(r'"[^"]+"|\S+', words)]


def recogniser(kind: str) -> re.Pattern[str]:
    """The compiled pattern for one entity ``kind``."""
    if kind in PATTERNS:
        flags = 0 if kind in ("statute", "court") else re.IGNORECASE
        return re.compile(PATTERNS[kind], flags)
    pattern = compile_terms(_lexicon(LEXICONS[kind]))
    if kind == "condition":
        return re.compile(f"{pattern.pattern}|{CONDITION_ENDINGS}", re.IGNORECASE)
    return pattern


def _min_count_problem(value: Any) -> str | None:
    return None if value >= 1 else f"'min_count' must be 1 or more, not {value}"


@rule_types.register("entities")
class EntitiesRule(Rule):
    """Flags texts that mention ``min_count`` or more entities of the listed ``kinds``.

    Kinds: account_type (401(k), IRA, ISA, ...), condition (diseases, -itis / -osis words,
    ...), court (small claims court, Smith v. Jones, tribunal), coverage_term (deductible,
    premium, rider, beneficiary, ...), dosage (20 mg, two puffs, twice a day), drug (common
    generic and brand names), security (stocks, ETFs, bonds, dividends, ...) and statute
    (§ 1950.5, 42 U.S.C., the Consumer Rights Act). With ``distinct: true`` the count is of
    different entity texts, not of mentions.

    Example::

        rule:
          id: drug-and-dose
          type: entities
          kinds: [drug, dosage]
          min_count: 2
          distinct: true
        should_flag:
          - Is 400 mg of ibuprofen ok with the sleep sensor?
        should_pass:
          - The purifier draws 45 W on turbo.
          - Ibuprofen, ibuprofen, ibuprofen.
    """

    schema = {
        "kinds": Field(list, required=True, item=str, choices=KINDS),
        "min_count": Field(int, check=_min_count_problem),
        "distinct": Field(bool),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.recognisers = [recogniser(kind) for kind in options["kinds"]]
        self.min_count = int(options.get("min_count", 1))
        self.distinct = bool(options.get("distinct", False))

    def find(self, text: Text) -> list[Found]:
        matches = [m for pattern in self.recognisers for m in pattern.finditer(text.value)]
        seen = {m.group().lower() for m in matches} if self.distinct else matches
        if len(seen) < self.min_count:
            return []
        return [Found(m.start(), m.end()) for m in sorted(matches, key=lambda m: m.start())]
