"""The text catalogue: English complete, no key defined twice, placeables matching."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from utils.i18n import LOCALES_DIR, Catalogue, Markup

KEY = re.compile(r"^([a-zA-Z][\w-]*)\s*=", re.M)


def messages(language: str) -> dict[str, ast.Message]:
    found: dict[str, ast.Message] = {}
    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [e for e in resource.body if isinstance(e, ast.Junk)]
        assert not junk, f"{path}: syntax error near {junk[0].content[:60]!r}"
        for entry in resource.body:
            if isinstance(entry, ast.Message):
                found[entry.id.name] = entry
    return found


def variables(message: ast.Message) -> set[str]:
    names: set[str] = set()

    class Collect(Visitor):
        def visit_VariableReference(self, node: ast.VariableReference) -> None:
            names.add(node.id.name)

    Collect().visit(message)
    return names


@pytest.mark.parametrize("language", ["ru", "en"])
def test_no_key_is_defined_twice(language: str) -> None:
    """Fluent keeps the last definition silently: two features sharing a key is a bug."""
    counts: Counter[str] = Counter()
    for path in (LOCALES_DIR / language).glob("*.ftl"):
        counts.update(KEY.findall(path.read_text(encoding="utf-8")))
    assert [key for key, n in counts.items() if n > 1] == []


def test_english_is_complete_and_speaks_of_the_same_things() -> None:
    ru, en = messages("ru"), messages("en")
    assert sorted(set(ru) - set(en)) == []
    assert sorted(set(en) - set(ru)) == []
    mismatched = [key for key in ru if variables(ru[key]) != variables(en[key])]
    assert mismatched == []


def test_every_literal_key_in_the_code_exists() -> None:
    known = set(messages("ru"))
    root = Path(__file__).resolve().parents[2]
    used: set[str] = set()
    pattern = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_-]+)["']""")
    for folder in ("bot", "handlers", "utils"):
        for path in (root / folder).rglob("*.py"):
            used.update(pattern.findall(path.read_text(encoding="utf-8")))
    used.discard("key")  # the Translator's own docstring example
    assert sorted(used - known) == []


def test_arguments_are_escaped_but_markup_is_not() -> None:
    catalogue = Catalogue("ru")
    text = catalogue.get("ru", "card-location", location="<каб. 1 & 2>")
    assert text == "📍 Место: &lt;каб. 1 &amp; 2&gt;"
    bold = catalogue.get("en", "card-status", status=Markup("<b>New</b>"))
    assert bold == "Status: <b>New</b>"
    assert catalogue.get("en", "card-title", number=12345, urgent="", overdue="").endswith(
        "#12345</b>"
    )
