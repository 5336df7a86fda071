"""Sections a later app adds to an earlier app's detail page.

The dependency rule (core ← projects ← talents ← campaigns ← policies) forbids the talents page to
name the campaigns or policies apps, yet officers want a talent's matches, campaigns and
entitlements on that page. A later app registers a template for a model in its ``AppConfig.ready()``;
the earlier app's page includes whatever is registered for it, in ``order``. Each section template
gets the page's context (the record under its usual name) and usually loads itself by htmx.
"""

_sections: dict[str, list[tuple[int, str]]] = {}


def section_register(model_label: str, template: str, *, order: int) -> None:
    """Show ``template`` on the detail page of ``model_label`` (``"talents.talent"``); once."""
    registered = _sections.setdefault(model_label.lower(), [])
    if template not in (name for _order, name in registered):
        registered.append((order, template))
        registered.sort()


def sections_for(model_label: str) -> list[str]:
    """The templates registered for ``model_label``'s detail page, in their order."""
    return [template for _order, template in _sections.get(model_label.lower(), [])]
