"""Peak memory of the web process for one incident report with the maximum photos.

Runs the portal's web process (uvicorn, as deployed) on a throw-away SQLite database, signs in as a
store manager and posts the incident form with CT_INCIDENT_MAX_PHOTOS photos at the pixel cap, each
under the size limit: once as PNG with transparency (decoded whole: the worst case) and once as
camera JPEG. Prints the process's resident memory before the request, its peak during it (VmHWM,
reset first) and the difference against the target (<= +150 MB).

    .venv/bin/python bench/uploads.py
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_MB = 150.0


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident set size now and at its peak since the last reset (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def peak_reset(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # Linux: VmHWM starts again from VmRSS


def photos(kind: str, count: int, pixels: int, max_bytes: int) -> list[tuple[str, bytes, str]]:
    from PIL import Image

    side = int(pixels ** 0.5)
    files = []
    for number in range(count):
        if kind == "png":
            band = Image.linear_gradient("L").resize((side, side))
            image = Image.merge("RGBA", (band, band.rotate(90), band.rotate(180), band.rotate(270)))
        else:
            noise = Image.effect_noise((side, side), 40).convert("L")
            image = Image.merge("RGB", (noise, Image.linear_gradient("L").resize((side, side)), noise.rotate(90)))
        out = io.BytesIO()
        image.save(out, format="PNG" if kind == "png" else "JPEG", **({} if kind == "png" else {"quality": 85}))
        content = out.getvalue()
        assert len(content) <= max_bytes, f"{kind} photo of {len(content)} bytes is over the limit"
        files.append((f"photo{number}.{kind}", content, f"image/{'png' if kind == 'png' else 'jpeg'}"))
    return files


def multipart(fields: dict[str, str], files: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, content, content_type in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="{name}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    var_dir = tempfile.mkdtemp(prefix="ct-bench-uploads-")
    for name in ("DATABASE_URL", "REDIS_URL", "CT_ENV"):
        os.environ.pop(name, None)
    os.environ.update({"CT_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "controltower.settings",
                       "CT_LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from _django import web_process
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from apps.incidents import conf
    from tests.factories import make_network

    call_command("migrate", verbosity=0)
    network = make_network()
    client = Client()
    client.force_login(network.manager_a)
    session = client.cookies["sessionid"].value
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "CT_STATIC_ROOT": tempfile.mkdtemp(prefix="ct-bench-static-")}
    with web_process(env, settings.BASE_DIR) as (base, pid):
        def report(files: list[tuple[str, bytes, str]]) -> int:
            page = urllib.request.urlopen(urllib.request.Request(
                f"{base}/incidents/new/", headers={"Cookie": f"sessionid={session}"}), timeout=60)
            csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)  # type: ignore[union-attr]
            body, content_type = multipart({"csrfmiddlewaretoken": token, "store": str(network.store_a.pk),
                                            "title": "Freezer 3 warm, ice cream soft", "category": "refrigeration",
                                            "urgency": "high"}, files)
            request = urllib.request.Request(f"{base}/incidents/new/", data=body, method="POST", headers={
                "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}", "Content-Type": content_type,
                "Referer": f"{base}/incidents/new/"})
            opener = urllib.request.build_opener(NoRedirect)
            try:
                with opener.open(request, timeout=120) as answer:
                    return int(answer.status)
            except urllib.error.HTTPError as exc:
                return exc.code

        assert report(photos("jpg", 1, 640 * 480, conf.PHOTO_MAX_BYTES)) == 302, "warm-up report refused"
        print(f"Web process (uvicorn, SQLite), {conf.MAX_PHOTOS} photos of {conf.PHOTO_MAX_PIXELS / 1e6:g} MP "
              f"(limit {conf.PHOTO_MAX_BYTES / 2**20:g} MB each), target <= +{TARGET_MB:g} MB")
        for kind, label in (("png", "PNG with transparency"), ("jpg", "camera JPEG")):
            batch = photos(kind, conf.MAX_PHOTOS, conf.PHOTO_MAX_PIXELS, conf.PHOTO_MAX_BYTES)
            before, _ = rss_mb(pid)
            peak_reset(pid)
            started = time.perf_counter()
            status = report(batch)
            elapsed = time.perf_counter() - started
            after, peak = rss_mb(pid)
            size = sum(len(content) for _, content, _ in batch) / 2**20
            verdict = "ok" if peak - before <= TARGET_MB else "OVER"
            print(f"  {label:22} {size:5.1f} MB upload  HTTP {status}  {elapsed:4.1f} s  RSS before {before:6.1f} MB  "
                  f"peak {peak:6.1f} MB  after {after:6.1f} MB  peak delta {peak - before:+6.1f} MB  [{verdict}]")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


if __name__ == "__main__":
    import urllib.error

    main()
