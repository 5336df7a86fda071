"""Models of the talents app: added by the issue that builds it."""
