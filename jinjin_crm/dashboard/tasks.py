"""Celery tasks of the dashboard: thin wrappers around its services."""
