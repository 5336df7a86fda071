"""Models of the projects app: added by the issue that builds it."""
