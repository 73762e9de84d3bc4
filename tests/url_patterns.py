"""Every named URL of some namespaces, read from the URL configuration, and the requests of the permission
matrices that walk them."""

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


def get_to_end(client, url, query=None):
    """GET `url`; a file response is read to its end, which makes the test client close the file."""
    response = client.get(url, query)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def sign_in_as(client, user) -> None:
    """Sign `user` in afresh, with a second factor when their roles require one."""
    from refugiu.accounts.security import user_needs_second_factor
    from tests.accounts.mfa import force_login_with_mfa

    client.logout()
    if user_needs_second_factor(user):
        force_login_with_mfa(client, user)
    else:
        client.force_login(user)
