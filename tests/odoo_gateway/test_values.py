"""Value helpers and configuration: Odoo's wire idioms in, plain Python out; secrets hidden."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from apps.odoo_gateway import (
    OdooConfig,
    OdooVersion,
    format_odoo_datetime,
    m2o_id,
    m2o_name,
    parse_odoo_date,
    parse_odoo_datetime,
    parse_odoo_datetime_or_none,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [([15, "Azure Interior"], 15), ((9, "Buyer"), 9), (False, None), (None, None), (7, 7), (True, None), ([], None)],
)
def test_it_reads_many2one_ids(value: object, expected: int | None) -> None:
    assert m2o_id(value) == expected


def test_it_reads_many2one_names() -> None:
    assert m2o_name([1, "USD"]) == "USD"
    assert m2o_name(False) is None


def test_it_parses_odoo_datetimes_as_utc() -> None:
    parsed = parse_odoo_datetime("2026-11-22 11:40:55")

    assert parsed == datetime(2026, 11, 22, 11, 40, 55, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(0)
    assert parse_odoo_datetime("2026-11-22 11:40:55.123456").microsecond == 123456
    assert parse_odoo_datetime_or_none(False) is None
    assert parse_odoo_date("2026-11-22") == date(2026, 11, 22)


def test_it_rejects_a_datetime_that_is_not_odoos_format() -> None:
    with pytest.raises(ValueError):
        parse_odoo_datetime("22/11/2026")


def test_it_formats_aware_datetimes_in_utc_and_refuses_naive_ones() -> None:
    brussels = timezone(timedelta(hours=1))

    assert format_odoo_datetime(datetime(2026, 11, 22, 12, 40, 55, tzinfo=brussels)) == "2026-11-22 11:40:55"
    with pytest.raises(ValueError):
        format_odoo_datetime(datetime(2026, 11, 22, 12, 40, 55))


def test_it_roundtrips_datetimes() -> None:
    text = "2026-01-02 03:04:05"

    assert format_odoo_datetime(parse_odoo_datetime(text)) == text


@pytest.mark.parametrize(
    ("answer", "major", "full"),
    [
        (
            {"server_version": "18.0+e-20241005", "server_version_info": [18, 0, 0, "final", 0, ""]},
            18,
            "18.0+e-20241005",
        ),
        ({"version": "19.0", "version_info": [19, 0, 0, "final", 0, ""]}, 19, "19.0"),
        ({"server_version": "saas~18.2+e"}, 18, "saas~18.2+e"),
    ],
)
def test_it_reads_the_major_version_from_version_info(answer: dict[str, object], major: int, full: str) -> None:
    version = OdooVersion.from_answer(answer)

    assert version.major == major
    assert version.full == full


def test_it_refuses_a_version_answer_without_a_version() -> None:
    with pytest.raises(ValueError):
        OdooVersion.from_answer({"hello": "world"})


def _config(**overrides: object) -> OdooConfig:
    values: dict[str, object] = {"url": "http://odoo.local:8069/", "db": "retail", "login": "admin"}
    values.update(overrides)
    return OdooConfig(**values)  # type: ignore[arg-type]


def test_it_hides_secrets_in_the_config_repr() -> None:
    config = _config(password="s3cret-pw", api_key="key-0123456789")

    assert "s3cret-pw" not in repr(config)
    assert "key-0123456789" not in repr(config)
    assert "s3cret-pw" not in str(config)
    assert "password='**********'" in repr(config)
    assert config.url == "http://odoo.local:8069"


@pytest.mark.parametrize(
    "overrides",
    [
        {"url": "ftp://odoo.local", "password": "x"},
        {"url": "http://admin:pw@odoo.local", "password": "x"},
        {"url": "http://odoo.local/odoo", "password": "x"},
        {"password": None, "api_key": None},
        {"password": "x", "transport": "json2"},
        {"password": "x", "transport": "xmlrpc"},
        {"password": "x", "timeout": 0},
        {"password": "x", "retries": -1},
    ],
)
def test_it_refuses_bad_configs(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        _config(**overrides)


def test_it_reads_django_style_settings() -> None:
    settings = SimpleNamespace(
        ODOO_URL="https://erp.example.com",
        ODOO_DB="retail",
        ODOO_LOGIN="tower",
        ODOO_PASSWORD="",
        ODOO_API_KEY="k-123",
        ODOO_TRANSPORT="JSON2",
        ODOO_TIMEOUT="4.5",
    )

    config = OdooConfig.from_settings(settings)

    assert config == OdooConfig(
        url="https://erp.example.com", db="retail", login="tower", api_key="k-123", transport="json2", timeout=4.5
    )
    assert config.password is None


def test_it_refuses_an_unknown_transport_setting() -> None:
    settings = SimpleNamespace(
        ODOO_URL="http://x", ODOO_DB="d", ODOO_LOGIN="l", ODOO_PASSWORD="p", ODOO_TRANSPORT="xml"
    )

    with pytest.raises(ValueError):
        OdooConfig.from_settings(settings)


def test_it_reads_the_projects_django_settings() -> None:
    django_conf = pytest.importorskip("django.conf")
    if not django_conf.settings.configured:
        pytest.skip("Django settings are not configured in this run")

    config = OdooConfig.from_settings()

    assert config.db == django_conf.settings.ODOO_DB
    assert config.transport == django_conf.settings.ODOO_TRANSPORT
