"""`manage.py check` warns an operator who did not run collectstatic (pepr.W001)."""
import io

from django.core.management import call_command

MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


def _check():
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    return out.getvalue()


def test_check_warns_when_static_files_were_not_collected(settings, tmp_path):
    settings.DEBUG = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST}
    settings.STATIC_ROOT = str(tmp_path / "static")  # never created
    assert "pepr.W001" in _check()
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body{}")  # copied, but no manifest
    output = _check()
    assert "pepr.W001" in output and "staticfiles.json" in output
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert "pepr.W001" not in _check()


def test_check_is_quiet_in_debug(settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = str(tmp_path / "missing")
    assert "pepr.W001" not in _check()
