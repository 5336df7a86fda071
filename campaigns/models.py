"""Models of the campaigns app: added by the issue that builds it."""
