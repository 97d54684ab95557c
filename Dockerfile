# Production image of the portal: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango and HarfBuzz; gettext compiles the catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY pepr ./pepr
COPY calls ./calls
COPY governance ./governance
COPY projects ./projects
RUN pip install .
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
 && useradd --create-home --uid 1000 pepr && mkdir -p /app/var/media && chown -R pepr /app/var
USER pepr
EXPOSE 8000
CMD ["gunicorn", "pepr.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
