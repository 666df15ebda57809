"""Split help-centre articles into heading sections a citation can point at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

MAX_WORDS = 180  # MiniLM reads 256 tokens; longer sections are split on paragraphs


@dataclass(frozen=True)
class Section:
    title: str  # the article title
    heading_path: tuple[str, ...]  # headings below the title leading to this section
    anchor: str  # "" for the part before the first sub-heading
    text: str
    part: int = 0  # >0 when a long section was split


@dataclass(frozen=True)
class Block:
    level: int  # 1..6 for a heading, 0 for body text
    text: str
    anchor: str = ""


def split_markdown(markdown: str, fallback_title: str) -> list[Section]:
    return sections_from_blocks(_markdown_blocks(markdown), fallback_title)


def split_html(html: str, fallback_title: str) -> list[Section]:
    parser = _HTMLBlocks()
    parser.feed(html)
    parser.close()
    return sections_from_blocks(parser.blocks, fallback_title)


def slugify(heading: str) -> str:
    """GitHub-style anchor: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return re.sub(r"\s", "-", slug)


def sections_from_blocks(blocks: list[Block], fallback_title: str) -> list[Section]:
    title = next((b.text for b in blocks if b.level == 1), fallback_title)
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    anchor, body = "", []
    for block in blocks:
        if block.level == 0:
            body.append(block.text)
            continue
        sections.extend(_finish(title, path, anchor, body))
        body = []
        if block.level > 1:
            path = [(lvl, text) for lvl, text in path if lvl < block.level] + [
                (block.level, block.text)
            ]
            anchor = block.anchor or slugify(block.text)
    sections.extend(_finish(title, path, anchor, body))
    return sections


def _finish(title: str, path: list[tuple[int, str]], anchor: str, body: list[str]) -> list[Section]:
    paragraphs = [p.strip() for p in body if p.strip()]
    if not paragraphs:
        return []
    headings = tuple(text for _, text in path)
    parts = _pack(paragraphs)
    return [
        Section(title, headings, anchor, text, part=i if len(parts) > 1 else 0)
        for i, text in enumerate(parts, start=1)
    ]


def _pack(paragraphs: list[str]) -> list[str]:
    parts: list[list[str]] = [[]]
    for paragraph in paragraphs:
        words = sum(len(p.split()) for p in parts[-1])
        if parts[-1] and words + len(paragraph.split()) > MAX_WORDS:
            parts.append([])
        parts[-1].append(paragraph)
    return ["\n\n".join(p) for p in parts]


HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def _markdown_blocks(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []
    in_fence = False
    for line in markdown.splitlines():
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else HEADING.match(line)
        if heading or not line.strip():
            if paragraph:
                blocks.append(Block(0, "\n".join(paragraph)))
                paragraph = []
            if heading:
                blocks.append(Block(len(heading.group(1)), heading.group(2)))
            continue
        paragraph.append(line)
    if paragraph:
        blocks.append(Block(0, "\n".join(paragraph)))
    return blocks


class _HTMLBlocks(HTMLParser):
    HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
    BODY = {"p", "li", "pre", "td", "th", "blockquote", "dd", "dt"}
    SKIP = {"script", "style", "nav", "header", "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._open: str | None = None
        self._anchor = ""
        self._text: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.HEADINGS or tag in self.BODY:
            self._flush()
            self._open, self._anchor = tag, dict(attrs).get("id") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag == self._open:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._open and not self._skipping:
            self._text.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if self._open and text:
            prefix = "- " if self._open == "li" else ""
            level = self.HEADINGS.get(self._open, 0)
            self.blocks.append(Block(level, prefix + text if not level else text, self._anchor))
        self._open, self._anchor, self._text = None, "", []
