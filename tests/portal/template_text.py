"""Finds text people read in templates that is not inside `{% translate %}` / `{% blocktranslate %}`.

What counts as text: HTML text nodes and the attributes people read (`title`, `aria-label`,
`placeholder`, `alt`), and the whole of a plain-text template (e-mails). Ignored: template variables
and tags, comments, `<script>`, `<style>` and `<kbd>` (key names), HTML entities, and pieces without a letter (numbers,
punctuation, symbols such as · → ▲). Proper names in `PROPER_NAMES` are not translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.template.base import Lexer, TokenType

PROPER_NAMES = {"Control Tower", "Odoo", "Control Tower API"}
MARK = "\x00"  # stands for a template variable or tag in the text
_SCRIPT_STYLE = re.compile(r"<(script|style|kbd)\b.*?</\1\s*>", re.S | re.I)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_READ_ATTRIBUTES = re.compile(r'\b(?:title|aria-label|placeholder|alt)\s*=\s*"([^"]*)"', re.I)
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Untranslated:
    path: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}: {self.text!r}"


def _plain(source: str) -> str:
    """The template with every translated part, variable, tag and comment replaced by MARK."""
    out: list[str] = []
    depth = 0  # inside {% blocktranslate %} (counted for plural) or {% comment %}
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in ("blocktranslate", "blocktrans", "comment"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
                depth -= 1
            out.append(MARK)
        elif token.token_type == TokenType.TEXT and depth == 0:
            out.append(token.contents)
        else:
            out.append(MARK)
    return "".join(out)


def _reads_as_text(piece: str) -> str:
    text = _ENTITY.sub(" ", piece).replace(MARK, " ")
    text = " ".join(text.split())
    bare = text
    for name in sorted(PROPER_NAMES, key=len, reverse=True):
        bare = bare.replace(name, " ")
    return text if _LETTER.search(bare) else ""


def untranslated_in(path: Path, *, root: Path) -> list[Untranslated]:
    plain = _plain(path.read_text(encoding="utf-8"))
    name = str(path.relative_to(root))
    if path.suffix == ".txt":
        pieces = plain.splitlines()
    else:
        plain = _HTML_COMMENT.sub(MARK, _SCRIPT_STYLE.sub(MARK, plain))
        pieces = _TAG.split(plain)
        pieces += [value for tag in _TAG.findall(plain) for value in _READ_ATTRIBUTES.findall(tag)]
    return [Untranslated(name, text) for piece in pieces if (text := _reads_as_text(piece))]


def untranslated_under(root: Path, *, skip: set[str]) -> list[Untranslated]:
    """Every piece of untranslated text in the templates under `root`, but for the folders in `skip`."""
    found: list[Untranslated] = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".html", ".txt") or path.relative_to(root).parts[0] in skip:
            continue
        found += untranslated_in(path, root=root)
    return found
