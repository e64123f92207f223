"""Fixtures for counts reported from the store floor: the sandbox's stock, photos, a private media root."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.approvals.support import dispatched  # noqa: F401  (write-back tasks captured, run explicitly)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _no_undo_window(settings: Any) -> None:
    settings.CT_APPROVAL_UNDO_SECONDS = 0  # a decision's write-back is due at once


def reasons_ensure() -> None:
    """The default reasons as their migration seeds them: a transactional test run before may have
    emptied the table, and migrations do not run again."""
    import importlib

    from django.apps import apps

    importlib.import_module("apps.adjustments.migrations.0002_default_reasons").add_reasons(apps, None)


def jpeg(size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("shelf.jpg", out.getvalue(), content_type="image/jpeg")


def store_quant(server: Any, warehouse_id: int, *, min_cost: float = 0, max_cost: float = 1e9) -> dict[str, Any]:
    """An uncounted internal quant of the warehouse with some stock, its product's cost in the band."""
    quants = server.execute("admin", "stock.quant", "search_read", [[
        ["warehouse_id", "=", warehouse_id], ["inventory_quantity_set", "=", False], ["quantity", ">", 5],
        ["location_id.usage", "=", "internal"]]], {"fields": ["product_id", "quantity"], "order": "id asc"})
    products = {row["id"]: row for row in server.execute("admin", "product.product", "read", [
        sorted({quant["product_id"][0] for quant in quants}), ["standard_price", "name", "default_code"]])}
    for quant in quants:
        product = products[quant["product_id"][0]]
        if min_cost <= product["standard_price"] <= max_cost:
            return {**quant, "cost": product["standard_price"], "name": product["name"],
                    "code": product["default_code"]}
    raise AssertionError("no quant of that cost in the warehouse")
