"""Jurisdictions: where a policy applies and where a ticket comes from.

A jurisdiction is a country (``GB``, ``US``), a state or province (``US-CA``, ``CA-ON``), an
EU member state (``EU-DE``) or a wildcard (``US-*``, ``CA-*``, ``EU-*``, ``*``). The set is
finite on purpose: a typo in a policy (``US-CAL``) must be an error, not a rule that never
applies.
"""

from __future__ import annotations

from backend.yamlfile.report import close_matches, did_you_mean

US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP"
).split()
CA_PROVINCES = "AB BC MB NB NL NS NT NU ON PE QC SK YT".split()
EU_MEMBERS = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
).split()
# Countries outside the EU that support desks commonly see; extend as customers need.
COUNTRIES = (
    "US CA GB AU NZ CH NO IS LI MX BR AR CL CO IN JP KR SG HK TW CN ZA AE IL TR PH MY ID TH "
    "VN NG KE EG SA"
).split()
REGIONS = {"US": US_STATES, "CA": CA_PROVINCES, "EU": EU_MEMBERS}
ALIASES = {"UK": "GB"}  # common, though not ISO 3166-1

FORMS = (
    "a country (GB, US, CA, AU, ...), a state or province (US-CA, CA-ON), "
    "an EU member state (EU-DE) or a wildcard (US-*, CA-*, EU-*, *)"
)


def known() -> frozenset[str]:
    """Every jurisdiction a policy may name."""
    codes = {"*", "EU", *COUNTRIES}
    for country, regions in REGIONS.items():
        codes.add(f"{country}-*")
        codes.update(f"{country}-{region}" for region in regions)
    return frozenset(codes)


def problem(code: object) -> str | None:
    """Why ``code`` is not a jurisdiction a policy may name, or None when it is."""
    if isinstance(code, str) and canonical(code) is not None:
        return None
    text = str(code).strip()
    what = f"unknown jurisdiction '{code}'" if text else "a jurisdiction must not be empty"
    message = f"{what}. Valid forms are: {FORMS}"
    return did_you_mean(message, _suggestions(text))


def _suggestions(text: str) -> list[str]:
    """Close spellings; without a very close one, the country of an unlisted subdivision
    comes first (``DE-BY``: ``EU-DE``)."""
    codes = sorted(known())
    close = close_matches(text.upper(), codes, n=3, cutoff=0.6)
    strong = close_matches(text.upper(), codes, n=1, cutoff=0.8)
    country = ticket_jurisdiction(text) if text and not strong else ""
    return list(dict.fromkeys([country, *close] if country else close))[:3]


def canonical(code: str) -> str | None:
    """``code`` in our form, or None when it is not one: ``de`` → ``EU-DE``, ``uk`` → ``GB``.

    Used for what policies and credentials name, which may be wildcards.
    """
    code = code.strip().upper().replace("_", "-")
    code = ALIASES.get(code, code)
    if code in EU_MEMBERS:
        return f"EU-{code}"
    return code if code in known() else None


def ticket_jurisdiction(code: str) -> str:
    """Where a ticket comes from, in our form; "" when unknown, so the strictest rules apply.

    A subdivision we do not list counts as its country (``DE-BY`` → ``EU-DE``,
    ``GB-SCT`` → ``GB``); a ticket is never a wildcard.
    """
    found = canonical(code)
    if found is None and "-" in code.replace("_", "-"):
        found = canonical(code.replace("_", "-").split("-")[0])
    return "" if found is None or "*" in found else found


def normalise(code: str) -> str:
    """A ticket's jurisdiction in our form (see ``ticket_jurisdiction``)."""
    return ticket_jurisdiction(code)


def covers(pattern: str, jurisdiction: str) -> bool:
    """Whether a policy's ``pattern`` covers a ticket from ``jurisdiction``.

    An empty jurisdiction (unknown origin) is covered by every pattern: when we do not
    know where a customer is, the strictest applicable rules apply.
    """
    if not jurisdiction or pattern == "*" or pattern == jurisdiction:
        return True
    if pattern.endswith("-*"):
        country = pattern[:-2]
        return jurisdiction == country or jurisdiction.startswith(f"{country}-")
    return pattern == jurisdiction.split("-")[0] and pattern in REGIONS


def covers_any(patterns: tuple[str, ...], jurisdiction: str) -> bool:
    """``covers`` with both sides in our form (a policy may say ``DE`` for ``EU-DE``)."""
    where = ticket_jurisdiction(jurisdiction)
    return any(covers(canonical(p) or p, where) for p in patterns)
