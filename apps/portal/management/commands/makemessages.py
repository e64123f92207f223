"""`makemessages` for the portal's catalogs (locale/fr, locale/es): Django's command, plus

- the folders that hold no portal text are skipped (virtualenv, the Odoo sandbox, which speaks as
  Odoo does, tests, benchmarks, build output);
- `phrase(...)` and `phrase_plural(...)` (apps.portal.phrases: texts kept now and written later in
  the reader's language) are extracted like `gettext`;
- no source locations, entries sorted by message and a fixed creation date in the header, so a
  catalog only changes where its messages change and branches that add messages merge cleanly.

`python manage.py makemessages --all` refreshes both catalogs (see README "Languages, formats and
time zones"); `tests/portal/test_translations.py` runs it into a temporary folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.commands import makemessages
from django.core.management.utils import popen_wrapper

PORTAL_IGNORE = [".venv", "venv", "var", "staticfiles", "node_modules", "apps/odoo_sandbox", "tests", "bench",
                 "locale", "static/vendor"]
_CREATED = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-location", "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--no-location"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--no-location", "--sort-output"]
    xgettext_options = [*makemessages.Command.xgettext_options, "--no-location", "--keyword=phrase",
                        "--keyword=phrase_plural:1,2"]

    def handle(self, *args: Any, **options: Any) -> str | None:
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *PORTAL_IGNORE]
        options["no_obsolete"] = True
        return super().handle(*args, **options)

    def write_po_file(self, potfile: str, locale: str) -> None:
        super().write_po_file(potfile, locale)
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        popen_wrapper(["msgattrib", *self.msgattrib_options, "-o", str(pofile), str(pofile)])
        text = pofile.read_text(encoding="utf-8")
        pofile.write_text(_CREATED.sub('"POT-Creation-Date: 2026-01-01 00:00+0000\\\\n"', text, count=1),
                          encoding="utf-8")
