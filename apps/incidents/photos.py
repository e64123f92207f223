"""Checking and cleaning uploaded photos.

A photo is judged by its content, never by its name or the browser's content type: Pillow must
recognise it as JPEG, PNG or WebP. It is then re-encoded as a fresh JPEG (rotated as the camera
meant, scaled down, no EXIF, GPS or other metadata), so what is stored and sent to Odoo is pixels
only, never the bytes the client sent.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.incidents import conf

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
JPEG_QUALITY = 85


@dataclass(frozen=True)
class CleanPhoto:
    """A checked photo, ready to store: JPEG bytes without metadata."""

    content: bytes
    width: int
    height: int
    original_name: str


def safe_display_name(name: str) -> str:
    """The client's file name, only ever shown as text: path parts and control characters removed."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:120] or "photo"


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """Check one upload and return it re-encoded; a ValidationError says what is wrong in plain words."""
    name = safe_display_name(upload.name or "")
    limit_mb = conf.PHOTO_MAX_BYTES / (1024 * 1024)
    if upload.size is None or upload.size > conf.PHOTO_MAX_BYTES:
        raise ValidationError(f"{name} is too large: photos may be at most {limit_mb:g} MB.", code="too_large")
    if upload.size == 0:
        raise ValidationError(f"{name} is empty.", code="empty")
    upload.seek(0)
    data = upload.read(conf.PHOTO_MAX_BYTES + 1)
    if len(data) > conf.PHOTO_MAX_BYTES:
        raise ValidationError(f"{name} is too large: photos may be at most {limit_mb:g} MB.", code="too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in ACCEPTED_FORMATS:
                    raise ValidationError(f"{name} is not a JPEG, PNG or WebP photo.", code="wrong_type")
                if probe.width * probe.height > conf.PHOTO_MAX_PIXELS:
                    raise ValidationError(f"{name} has too many pixels.", code="too_large")
                probe.verify()  # structure check; the image must be reopened afterwards
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _reencode(upright, name)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(f"{name} is not a JPEG, PNG or WebP photo.", code="wrong_type") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's ways of saying "truncated or corrupt"
        raise ValidationError(f"{name} could not be read as a photo (damaged or incomplete).",
                              code="corrupt") from exc


def _reencode(image: Image.Image, name: str) -> CleanPhoto:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((conf.PHOTO_MAX_SIDE, conf.PHOTO_MAX_SIDE))
    out = io.BytesIO()
    # A new image object carries no `info`; saving without `exif=`/`icc_profile=` writes no metadata.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(content=out.getvalue(), width=clean.width, height=clean.height, original_name=name)
