"""Checking and cleaning uploaded photos.

A photo is judged by its content, never by its name or the browser's content type: Pillow must
recognise it as JPEG, PNG or WebP. It is then re-encoded as a fresh JPEG (rotated as the camera
meant, scaled down, no EXIF, GPS or other metadata), so what is stored and sent to Odoo is pixels
only, never the bytes the client sent.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, ngettext
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


def uploads_check(uploads: list[UploadedFile], *, room: int) -> None:
    """Count and size of a whole batch, from what the upload says, before any photo is decoded: a
    request with too many or too large photos costs no decoding memory at all."""
    if len(uploads) > room:
        raise ValidationError(ngettext("Add at most %(count)d photo.", "Add at most %(count)d photos.", room)
            % {"count": room}
                              if room > 0 else gettext("This incident holds no more photos."), code="too_many")
    limit_mb = conf.PHOTO_MAX_BYTES / (1024 * 1024)
    problems = []
    for upload in uploads:
        name = safe_display_name(upload.name or "")
        if upload.size is None or upload.size > conf.PHOTO_MAX_BYTES:
            problems.append(gettext("%(name)s is too large: photos may be at most %(size)s MB.")
                            % {"name": name, "size": f"{limit_mb:g}"})
        elif upload.size == 0:
            problems.append(gettext("%(name)s is empty.") % {"name": name})
    if problems:
        raise ValidationError(problems, code="too_large")


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """Check one upload and return it re-encoded; a ValidationError says what is wrong in plain words.

    Memory is bounded: the file is read from the upload (never copied whole), the pixel count comes
    from the header before decoding, and a JPEG is decoded already scaled down (`draft`) to the
    stored size, so a 16 MP photo costs a few MB instead of ~50."""
    uploads_check([upload], room=1)
    name = safe_display_name(upload.name or "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                kind = probe.format
                if kind not in ACCEPTED_FORMATS:
                    raise ValidationError(gettext("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name},
                                          code="wrong_type")
                if probe.width * probe.height > conf.PHOTO_MAX_PIXELS:
                    raise ValidationError(
                        f"{name} has too many pixels ({probe.width} x {probe.height}): photos may have at most "
                        f"{conf.PHOTO_MAX_PIXELS / 1_000_000:g} megapixels.", code="too_many_pixels")
                probe.verify()  # structure check; the image must be reopened afterwards
            upload.seek(0)
            with Image.open(upload) as image:
                small = _decode_small(image)
                upright = ImageOps.exif_transpose(small)  # on the small image: the EXIF still says how
                return _reencode(upright, name)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(gettext("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name},
                              code="wrong_type") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's ways of saying "truncated or corrupt"
        raise ValidationError(gettext("%(name)s could not be read as a photo (damaged or incomplete).")
                              % {"name": name}, code="corrupt") from exc


def _decode_small(image: Image.Image) -> Image.Image:
    """Decode at (about) the stored size with the least memory. A JPEG is decoded already scaled
    (draft: 1/2, 1/4 or 1/8); PNG and WebP must be decoded whole, then are shrunk by a whole factor
    (box filter, a quarter of the memory at 1/2) before the finer resize, instead of resampling the
    full image in two passes."""
    if image.format == "JPEG":
        image.draft("RGB", _stored_size(image.size))
    else:
        factor = math.ceil(max(image.size) / conf.PHOTO_MAX_SIDE)
        if factor > 1:
            image.load()
            reduced = image.reduce(factor)
            image.close()  # the full-size pixels go now, not when the request ends
            image = reduced
    image.thumbnail((conf.PHOTO_MAX_SIDE, conf.PHOTO_MAX_SIDE))
    return image


def _stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a photo is stored at (longest side at most PHOTO_MAX_SIDE), aspect kept."""
    scale = min(1.0, conf.PHOTO_MAX_SIDE / max(size))
    return max(1, int(size[0] * scale)), max(1, int(size[1] * scale))


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
