"""Every named URL of some namespaces, read from the URL configuration, for the permission matrices."""

from django.urls import URLPattern, URLResolver, get_resolver


def _patterns(resolver: URLResolver, namespaces, namespace=None, converters: frozenset = frozenset()):
    for entry in resolver.url_patterns:
        own = frozenset(entry.pattern.converters)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, namespaces, entry.namespace or namespace, converters | own)
        elif isinstance(entry, URLPattern) and namespace in namespaces and entry.name:
            yield f"{namespace}:{entry.name}", converters | own


def named_urls(namespaces: tuple[str, ...]) -> dict[str, frozenset]:
    """{"namespace:name": the URL parameters it needs (prefixes included)}."""
    return dict(_patterns(get_resolver(), namespaces))
