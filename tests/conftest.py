"""Fixtures shared by every test: a small network and one person per role."""

from __future__ import annotations

import pytest

from tests.factories import Network, make_network


@pytest.fixture
def network(db: None) -> Network:
    return make_network()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Tests create many users; production hashing strength is not what they check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """Close connections after each use so async tests' worker threads do not hold the test database."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
