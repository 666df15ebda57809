from pathlib import Path

from backend.retrieval.chunking import MAX_WORDS, slugify, split_html, split_markdown

FIXTURES = Path(__file__).parent.parent / "fixtures" / "docs"


def test_when_markdown_has_headings_then_each_section_keeps_title_path_and_anchor() -> None:
    text = (FIXTURES / "devices" / "wifi-pairing.md").read_text()
    sections = split_markdown(text, "fallback")
    assert [(s.heading_path, s.anchor) for s in sections] == [
        ((), ""),
        (("Error E-104",), "error-e-104"),
        (("Error E-330",), "error-e-330"),
    ]
    assert {s.title for s in sections} == {"Connecting your purifier to Wi-Fi"}
    assert "code comment" in sections[-1].text  # a '#' inside a code fence is not a heading


def test_when_headings_nest_then_the_path_follows_them() -> None:
    text = "# T\n\n## Billing\n\n### Refunds\n\nMoney back.\n\n## Other\n\nMore."
    sections = split_markdown(text, "x")
    assert [s.heading_path for s in sections] == [("Billing", "Refunds"), ("Other",)]


def test_when_a_section_is_long_then_it_is_split_on_paragraphs() -> None:
    paragraph = " ".join(["word"] * 100)
    sections = split_markdown(f"# T\n\n## Long\n\n{paragraph}\n\n{paragraph}\n\n{paragraph}", "x")
    assert [s.part for s in sections] == [1, 2, 3]
    assert all(len(s.text.split()) <= MAX_WORDS for s in sections)


def test_when_html_has_headings_then_ids_become_anchors_and_navigation_is_skipped() -> None:
    sections = split_html((FIXTURES / "billing" / "refunds.html").read_text(), "x")
    assert sections[0].title == "Refunds for subscriptions"
    assert [s.anchor for s in sections] == ["", "annual-plans", "monthly-plans"]
    assert "Home" not in sections[0].text
    assert "- Refunds go back to the original payment method." in sections[1].text


def test_slugify_matches_github_anchors() -> None:
    assert slugify("Error E-104: Wi-Fi handshake!") == "error-e-104-wi-fi-handshake"
