"""Settings are parsed in a fresh interpreter per case, exactly as a process would start."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'broker': s.CELERY_BROKER_URL, 'cache': "
    "s.CACHES['default']['BACKEND'], 'odoo': s.ODOO_URL, 'debug': s.DEBUG, "
    "'sandbox': 'apps.odoo_sandbox' in s.INSTALLED_APPS}))"
)
PROD = {
    "CT_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DATABASE_URL": "postgres://ct:pw@db.internal:5432/controltower",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "tower.example.com",
    "ODOO_URL": "https://odoo.example.com",
    "ODOO_DB": "prod",
    "ODOO_LOGIN": "portal-bot",
    "ODOO_API_KEY": "abc123",
}


def run(env: dict[str, str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "REDIS_", "DJANGO_", "ODOO_", "CT_", "CELERY_"))}
    base.update({"DJANGO_SETTINGS_MODULE": "controltower.settings", "CT_VAR_DIR": str(tmp_path)}, **env)
    command = list(args) or ["-c", PROBE]
    return subprocess.run([sys.executable, *command], cwd=ROOT, env=base, capture_output=True, text=True,
                          timeout=60)


def test_it_falls_back_to_the_embedded_default(tmp_path: Path) -> None:
    result = run({}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["layer"] == "channels.layers.InMemoryChannelLayer"
    assert seen["broker"] == "filesystem://"
    assert seen["odoo"] == "http://127.0.0.1:8069"
    assert seen["sandbox"] is True
    assert (tmp_path / "secret_key").exists()


def test_it_uses_postgres_and_redis_when_configured(tmp_path: Path) -> None:
    result = run({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/ct", "REDIS_URL": "redis://127.0.0.1:6379/1"},
                 tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["name"] == "ct"
    assert seen["layer"] == "channels_redis.core.RedisChannelLayer"
    assert seen["cache"] == "controltower.cache.FailOpenRedisCache"
    assert seen["broker"] == "redis://127.0.0.1:6379/1"


def test_it_pools_postgres_connections_with_a_configurable_bound(tmp_path: Path) -> None:
    probe = ("import json, django; django.setup(); from django.conf import settings as s; "
             "d = s.DATABASES['default']; print(json.dumps({'pool': d['OPTIONS'].get('pool'), "
             "'age': d['CONN_MAX_AGE'], 'threads': s.CT_ASGI_THREADS}))")
    pooled = json.loads(run({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/ct", "CT_DB_POOL_MAX_SIZE": "5"},
                            "-c", probe, tmp_path=tmp_path).stdout)
    assert pooled["pool"]["max_size"] == 5
    assert pooled["age"] == 0  # the pool keeps connections, Django does not
    assert pooled["threads"] == 5
    unpooled = json.loads(run({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/ct", "CT_DB_POOL_MAX_SIZE": "0"},
                              "-c", probe, tmp_path=tmp_path).stdout)
    assert unpooled["pool"] is None
    assert unpooled["age"] == 60
    bad = run({"DATABASE_URL": "postgres://u:p@127.0.0.1:5432/ct", "CT_DB_POOL_MAX_SIZE": "many"}, tmp_path=tmp_path)
    assert bad.returncode != 0
    assert "CT_DB_POOL_MAX_SIZE" in bad.stderr


def test_it_stops_on_a_bad_database_url_without_echoing_the_password(tmp_path: Path) -> None:
    result = run({"DATABASE_URL": "postgress://user:s3cr3t@host/db"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL is not a valid database URL" in result.stderr
    assert "s3cr3t" not in result.stderr


def test_it_stops_on_a_malformed_flag(tmp_path: Path) -> None:
    result = run({"DJANGO_DEBUG": "maybe"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_it_reads_secrets_from_files(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("f" * 64 + "\n")
    result = run({**PROD, "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": str(secret)}, "-c",
                 "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
                 tmp_path=tmp_path)
    assert "both" in result.stderr  # an empty DJANGO_SECRET_KEY still counts as set
    env = {k: v for k, v in PROD.items() if k != "DJANGO_SECRET_KEY"}
    result = run({**env, "DJANGO_SECRET_KEY_FILE": str(secret)}, "-c",
                 "import django; django.setup(); from django.conf import settings; print(len(settings.SECRET_KEY))",
                 tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "64"


def test_it_demands_the_real_services_in_production(tmp_path: Path) -> None:
    for missing in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOWED_HOSTS", "ODOO_URL"):
        env = {k: v for k, v in PROD.items() if k != missing}
        result = run(env, tmp_path=tmp_path)
        assert result.returncode != 0, missing
        assert missing in result.stderr


def test_it_keeps_the_sandbox_out_of_production(tmp_path: Path) -> None:
    result = run(PROD, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["sandbox"] is False
    assert seen["debug"] is False


def test_it_passes_the_deployment_checklist_in_production(tmp_path: Path) -> None:
    result = run(PROD, "manage.py", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_debug_in_production(tmp_path: Path) -> None:
    result = run({**PROD, "DJANGO_DEBUG": "true"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_DEBUG=true is refused in production" in result.stderr
    assert run({**PROD, "DJANGO_DEBUG": "false"}, tmp_path=tmp_path).returncode == 0
    assert json.loads(run({"DJANGO_DEBUG": "true"}, tmp_path=tmp_path).stdout)["debug"] is True  # embedded: fine


def test_it_shards_the_channel_layer_over_the_listed_redis_servers(tmp_path: Path) -> None:
    probe = ("import django, json; django.setup(); from django.conf import settings; "
             "print(json.dumps([h['address'] for h in settings.CHANNEL_LAYERS['default']['CONFIG']['hosts']]))")
    env = {"REDIS_URL": "redis://127.0.0.1:6379/1"}
    single = run(env, "-c", probe, tmp_path=tmp_path)
    assert single.returncode == 0, single.stderr
    assert json.loads(single.stdout) == ["redis://127.0.0.1:6379/1"]
    sharded = run({**env, "CT_CHANNEL_LAYER_REDIS_URLS": "redis://a:6379/0, redis://b:6379/0"}, "-c", probe,
                  tmp_path=tmp_path)
    assert sharded.returncode == 0, sharded.stderr
    assert json.loads(sharded.stdout) == ["redis://a:6379/0", "redis://b:6379/0"]
    refused = run({**env, "CT_CHANNEL_LAYER_REDIS_URLS": "http://a:6379/0"}, "-c", probe, tmp_path=tmp_path)
    assert refused.returncode != 0
    assert "CT_CHANNEL_LAYER_REDIS_URLS" in refused.stderr
