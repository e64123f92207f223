"""The catalogs are complete: every marked string has a French and a Spanish translation (none fuzzy,
placeholders intact), and the templates hold no text outside `{% translate %}`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

from tests.portal.template_text import untranslated_under

LANGUAGES = ("fr", "es")
# Template folders whose text is still being marked: shrinks to nothing as they are done.
SCANNER_PENDING: set[str] = set()

needs_gettext = pytest.mark.skipif(not shutil.which("xgettext") or not shutil.which("msgfmt"),
                                   reason="GNU gettext (xgettext, msgfmt) is needed: apt-get install gettext")


def _project_copy(destination: Path) -> Path:
    """The project's files as makemessages reads them (no dot folders, run data or build output). It
    runs on a copy because it writes a temporary `<file>.py` beside every template it reads: in the
    project's own tree other test processes scanning it would meet those files, and two runs of this
    module (parallel workers) would delete each other's."""
    root = Path(settings.BASE_DIR)

    def left_out(folder: str, names: list[str]) -> set[str]:
        at_root = {"var", "staticfiles"} if Path(folder) == root else set()
        return {name for name in names
                if name.startswith(".") or name == "__pycache__" or name.endswith(".mo") or name in at_root}

    shutil.copytree(root, destination, ignore=left_out)
    return destination


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """makemessages over the source into a copy of the committed catalogs (their translations kept)."""
    project = _project_copy(tmp_path_factory.mktemp("catalogs") / "project")
    out = project / "locale"
    previous, original_paths = Path.cwd(), settings.LOCALE_PATHS
    try:
        import os

        os.chdir(project)
        settings.LOCALE_PATHS = [out]
        call_command("makemessages", locale=list(LANGUAGES), verbosity=0)
    finally:
        settings.LOCALE_PATHS = original_paths
        os.chdir(previous)
    return {language: out / language / "LC_MESSAGES" / "django.po" for language in LANGUAGES}


def _catalog(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _translated(string: str | tuple[str, ...] | list[str]) -> bool:
    return bool(string) if isinstance(string, str) else bool(string) and all(string)


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_it_translates_every_marked_string(fresh_catalogs: dict[str, Path], language: str) -> None:
    catalog = _catalog(fresh_catalogs[language], language)
    assert len(catalog) > 100, "makemessages found almost nothing: is it run from the project's folder?"
    missing = [message.id for message in catalog if message.id and not _translated(message.string)]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not missing, f"{len(missing)} marked strings without a {language} translation " \
                        f"(python manage.py makemessages --all, then translate): {missing[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy {language} translations to check: {fuzzy[:20]}"


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_its_translations_keep_their_placeholders(fresh_catalogs: dict[str, Path], language: str) -> None:
    checked = subprocess.run(["msgfmt", "--check-format", "--check-header", "-o", "/dev/null",
                              str(fresh_catalogs[language])], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogs_are_up_to_date(fresh_catalogs: dict[str, Path], language: str) -> None:
    committed = _catalog(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po", language)
    fresh = _catalog(fresh_catalogs[language], language)
    assert {m.id if isinstance(m.id, str) else tuple(m.id) for m in committed if m.id} == \
        {m.id if isinstance(m.id, str) else tuple(m.id) for m in fresh if m.id}, \
        "run python manage.py makemessages --all and commit locale/"


def test_templates_hold_no_untranslated_text() -> None:
    found = untranslated_under(Path(settings.BASE_DIR) / "templates", skip=SCANNER_PENDING)
    assert not found, f"{len(found)} pieces of text outside {{% translate %}}:\n" + "\n".join(map(str, found[:60]))
