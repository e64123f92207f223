"""Websocket routes: one live connection per signed-in browser tab."""

from __future__ import annotations

from django.urls import path

from apps.live.consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
]
