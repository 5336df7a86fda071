"""Models of the policies app: added by the issue that builds it."""
