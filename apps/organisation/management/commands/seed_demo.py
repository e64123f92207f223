"""Seed the demo retail network, one sign-in per role and the dashboards' history (safe to run again)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.dashboards.demo_history import demo_history_seed
from apps.organisation.demo import demo_network_seed

HISTORY_DAYS = 90


class Command(BaseCommand):
    help = "Create the demo regions, stores, one user per role and 90 days of history; print the sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins_file = Path(settings.VAR_DIR) / "demo-logins.txt"
        passwords: dict[str, str] = {}
        if logins_file.exists():
            for line in logins_file.read_text().splitlines():
                username, _, password = line.partition(" ")
                passwords[username] = password
        logins = demo_network_seed(password_for=lambda username: passwords.get(username) or secrets.token_urlsafe(9))
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        logins_file.write_text("".join(f"{login.username} {login.password}\n" for login in logins))
        logins_file.chmod(0o600)
        for login in logins:
            self.stdout.write(f"  {login.role_label:<18} {login.username:<16} {login.password}   ({login.scope})")
        history = demo_history_seed(days=HISTORY_DAYS)
        if history.created:
            self.stdout.write(f"Demo history: {history.finished} finished items over {history.days} days, "
                              f"{history.open} still open ({history.overdue} overdue)")
        else:
            self.stdout.write("Demo history: already there, nothing added")
        from apps.directives.demo import demo_directives_seed

        directives = demo_directives_seed()
        if directives.created:
            self.stdout.write(f"Demo directives: {directives.directives} published, {directives.started} store "
                              f"copies started, {directives.in_review} in review, {directives.approved} done")
        from apps.operations.patterns.demo import demo_unusual_week_seed

        if demo_unusual_week_seed():
            self.stdout.write("Demo unusual pattern: one store refunded far more than usual this week (see Exceptions)")
