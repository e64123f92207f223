"""Directive instructions as sanitised HTML: an allow-list of tags and attributes, everything else
escaped or dropped. Kept at write time, so what is stored (and sent to Odoo) is already safe."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a"}
VOID_TAGS = {"br"}
DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")
MAX_LENGTH = 20_000


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = next((value or "" for name, value in attrs if name == "href"), "").strip()
            if not href.lower().startswith(SAFE_SCHEMES):
                self.out.append("<a>")
            else:
                self.out.append(f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer">')
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS and not self.dropping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:  # close what was left open inside it
            inner = self.open.pop()
            self.out.append(f"</{inner}>")
            if inner == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitise(html: str) -> str:
    """Allowed formatting kept; scripts, styles, event handlers, unknown tags and unsafe links removed.
    Plain text without tags is kept as paragraphs."""
    text = (html or "").strip()[:MAX_LENGTH]
    if not text:
        return ""
    if "<" not in text:
        paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
        return "".join(f"<p>{escape(p, quote=False).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    parser = _Sanitiser()
    parser.feed(text)
    parser.close()
    return parser.result()
