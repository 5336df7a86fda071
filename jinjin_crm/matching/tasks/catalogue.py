"""Catalogue tasks: written by the catalogue work."""
