# Control Tower production image: slim, non-root, static files collected, ASGI entry point.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CT_ENV=production \
    CT_VAR_DIR=/var/lib/controltower

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY manage.py ./
COPY controltower ./controltower
COPY apps ./apps
COPY templates ./templates
COPY static ./static
COPY locale ./locale
# The Odoo sandbox is a development tool: it is not part of the production image. The French and
# Spanish catalogs are compiled here (.mo files are build output, never in the repository), with
# GNU gettext installed for this step only.
RUN rm -rf apps/odoo_sandbox \
 && apt-get update && apt-get install -y --no-install-recommends gettext \
 && useradd --system --uid 10001 --home-dir /app controltower \
 && mkdir -p /var/lib/controltower \
 && chown controltower /var/lib/controltower \
 && DJANGO_SECRET_KEY=collectstatic-only-not-a-runtime-secret-0123456789abcdef \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    DJANGO_ALLOWED_HOSTS=build ODOO_URL=http://odoo ODOO_DB=build ODOO_LOGIN=build ODOO_PASSWORD=build \
    sh -c 'python manage.py collectstatic --noinput -v0 && python manage.py compilemessages -v0' \
 && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

USER controltower
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"

# Web by default; the worker and beat services override the command (see docker-compose.yml).
CMD ["uvicorn", "controltower.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--proxy-headers", "--no-access-log"]
