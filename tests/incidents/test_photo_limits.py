"""Uploads are bounded in memory: the count and the sizes of a whole batch are refused before any
photo is decoded, a photo over the pixel cap is refused from its header, and a large JPEG is decoded
already scaled down."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from apps.incidents import conf, photos
from apps.incidents.models import IncidentPhoto, StoreIncident
from tests.factories import Network
from tests.incidents.conftest import client_for, photo_bytes, upload

pytestmark = pytest.mark.django_db
NEW = "/incidents/new/"


def form_data(network: Network) -> dict[str, Any]:
    return {"store": network.store_a.pk, "title": "Freezer 3 warm", "description": "", "category": "refrigeration",
            "urgency": "high"}


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every image Pillow opens for decoding, by the upload's name."""
    opened: list[str] = []
    real = Image.open

    def watching(fp: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(getattr(fp, "name", "?"))
        return real(fp, *args, **kwargs)

    monkeypatch.setattr(photos.Image, "open", watching)
    return opened


def test_it_refuses_too_many_photos_before_decoding_any(network: Network, decoded: list[str]) -> None:
    batch = [upload(f"p{i}.jpg", photo_bytes(size=(800, 600))) for i in range(conf.MAX_PHOTOS + 1)]
    response = client_for(network.manager_a).post(NEW, {**form_data(network), "photos": batch})
    assert response.status_code == 400
    assert "Add at most 5 photos." in response.content.decode()
    assert decoded == []
    assert not StoreIncident.objects.exists()
    assert not IncidentPhoto.objects.exists()


def test_it_refuses_an_oversized_photo_in_a_batch_before_decoding_the_others(
        network: Network, decoded: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "PHOTO_MAX_BYTES", 50_000)
    batch = [upload("small.jpg"), upload("huge.jpg", b"\xff\xd8" + b"0" * 60_000)]
    response = client_for(network.manager_a).post(NEW, {**form_data(network), "photos": batch})
    assert response.status_code == 400
    assert "huge.jpg is too large" in response.content.decode()
    assert decoded == []
    assert not StoreIncident.objects.exists()


def test_it_refuses_a_comment_over_the_incidents_room_before_decoding(network: Network, decoded: list[str]) -> None:
    from tests.incidents.conftest import submit

    four = [photos.photo_clean(upload(f"{i}.jpg")) for i in range(4)]
    incident = submit(network.manager_a, network.store_a, photos=four)
    decoded.clear()
    response = client_for(network.manager_a).post(
        f"/incidents/{incident.pk}/comments/", {"body": "two more", "photos": [upload("a.jpg"), upload("b.jpg")]})
    assert response.status_code == 400
    assert "Add at most 1 photo." in response.content.decode()
    assert decoded == []
    assert incident.photos.count() == 4


def test_it_refuses_a_photo_over_the_pixel_cap_from_its_header(network: Network,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "PHOTO_MAX_PIXELS", 1_000_000)
    content = photo_bytes("PNG", size=(1200, 1000))
    from PIL import ImageFile

    loads: list[Any] = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self.size) or real_load(self))
    response = client_for(network.manager_a).post(NEW, {**form_data(network),
                                                        "photos": [upload("wide.png", content, "image/png")]})
    assert response.status_code == 400
    assert "wide.png has too many pixels (1200 x 1000)" in response.content.decode()
    assert (1200, 1000) not in loads  # never decoded
    assert not StoreIncident.objects.exists()


def test_the_default_pixel_cap_is_near_a_phone_photo() -> None:
    assert 12_000_000 <= conf.PHOTO_MAX_PIXELS <= 16_000_000


def test_it_decodes_a_large_jpeg_already_scaled_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import ImageFile

    sizes: list[tuple[int, int]] = []  # the size each file decode runs at
    real_load = ImageFile.ImageFile.load

    def load(self: ImageFile.ImageFile) -> Any:
        sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    big = io.BytesIO()
    Image.new("RGB", (4800, 3200), (10, 120, 200)).save(big, format="JPEG", quality=80)
    cleaned = photos.photo_clean(upload("camera.jpg", big.getvalue()))
    assert max(cleaned.width, cleaned.height) == conf.PHOTO_MAX_SIDE
    assert sizes
    assert max(w * h for w, h in sizes) <= 2400 * 1600  # decoded at 1/2 scale, never at 15 MP
