"""The PEPR BBTI portal: the programme, the site and its plumbing."""
from pepr.celery import app as celery_app

__all__ = ("celery_app",)
