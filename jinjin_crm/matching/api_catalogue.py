"""The catalogue over the API: (prefix, viewset, basename) for the v1 router."""

ROUTES = []
