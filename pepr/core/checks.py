"""System checks of the portal's set-up, shown by `manage.py check` (and before `migrate`,
`runserver`…): what an operator setting the portal up by hand may have missed."""
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks


@checks.register(checks.Tags.staticfiles)
def static_files_collected(app_configs=None, **kwargs):
    """Without DEBUG, whitenoise serves the files `collectstatic` copied to STATIC_ROOT, and the
    manifest storage answers 500 to every page naming a file missing from its manifest (while
    `/healthz` says ok): warn when they were not collected."""
    if settings.DEBUG:
        return []  # the development server finds them in the apps' folders
    root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if root is None or not root.is_dir() or not any(root.iterdir()):
        missing = str(root or "STATIC_ROOT")
    elif manifest and not (root / manifest).is_file():
        missing = str(root / manifest)
    else:
        return []
    return [checks.Warning(
        f"The static files are not collected: {missing} is missing or empty.",
        hint="Run `manage.py collectstatic --noinput` after each deployment.",
        id="pepr.W001")]
