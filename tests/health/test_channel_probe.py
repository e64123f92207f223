"""The channel-layer probe is judged over several probes: one slow or lost probe leaves live updates
"ok" (and says so), two in a row are degraded, CT_HEALTH_PROBE_SAMPLES in a row failing; one probe
that comes back clears it."""

from __future__ import annotations

import pytest

from apps.health.checks_portal import channel_layer_reading
from apps.health.models import HealthEvent, HealthSignal, SignalStatus
from apps.health.readings import signals_record

pytestmark = pytest.mark.django_db
UNREACHABLE = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}
WORKING = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def probe() -> HealthSignal:
    reading = channel_layer_reading()
    signals_record([reading], categories=[reading.category])
    return HealthSignal.objects.get(key="live.channel-layer")


def test_one_failed_probe_does_not_flip_live_updates(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CHANNEL_LAYERS = WORKING
    assert probe().status == SignalStatus.OK
    settings.CHANNEL_LAYERS = UNREACHABLE
    once = probe()
    assert once.status == SignalStatus.OK
    assert once.detail.startswith("1 probe in a row failed; the last: ")
    assert probe().status == SignalStatus.DEGRADED
    third = probe()
    assert third.status == SignalStatus.FAILING
    assert third.detail.startswith("3 probes in a row failed")
    settings.CHANNEL_LAYERS = WORKING
    assert probe().status == SignalStatus.OK
    changes = list(HealthEvent.objects.filter(signal__key="live.channel-layer").order_by("pk")
                   .values_list("from_status", "to_status"))
    assert changes[1:] == [("ok", "degraded"), ("degraded", "failing"), ("failing", "ok")]


def test_the_number_of_samples_is_configurable(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from apps.health import conf

    monkeypatch.setattr(conf, "PROBE_SAMPLES", 1)
    settings.CHANNEL_LAYERS = UNREACHABLE
    assert probe().status == SignalStatus.FAILING
