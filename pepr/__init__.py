"""The PEPR BBTI portal: the programme, the site and its plumbing."""
from .celery import app as celery_app

__all__ = ("celery_app",)
