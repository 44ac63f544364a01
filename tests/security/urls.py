"""Every public page and export, found in the URLconf, so that a new page is covered without editing a list."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def public_url_names():
    """Every named URL outside the admin: pages and exports. Needs no database."""
    return sorted({name for name, _ in _walk(get_resolver().url_patterns)})


def takes_arguments(name):
    try:
        reverse(name)
    except Exception:  # NoReverseMatch: the pattern needs a slug, a code or a pk.
        return True
    return False


def sample_urls():
    """{url name: a concrete path}. Patterns with arguments get the address of an object that has a page."""
    samples = {name: reverse(name) for name in public_url_names() if not takes_arguments(name)}
    for model in apps.get_models():
        if not hasattr(model, "get_absolute_url"):
            continue
        for obj in model.objects.order_by("pk")[:1]:
            path = obj.get_absolute_url().split("#")[0]
            try:
                match = resolve(path)
            except Resolver404:
                continue
            samples.setdefault(match.view_name, path)
    # Addresses built from a record's key rather than its page: the feeds that follow a page, and the API's
    # records. (url name, model, the URL's argument, the record's field that fills it.)
    keyed = [
        ("feeds:participant", ("meetings", "participant"), "code", "code"),
        ("feeds:issue", ("positions", "issue"), "slug", "slug"),
        ("api:meeting", ("meetings", "meeting"), "slug", "slug"),
        ("api:participant", ("meetings", "participant"), "code", "code"),
        ("api:issue", ("positions", "issue"), "slug", "slug"),
        ("api:position", ("positions", "position"), "position_id", "pk"),
    ]
    for name, model, argument, key in keyed:
        obj = apps.get_model(*model).objects.order_by("pk").first()
        if obj is not None:
            value = getattr(obj, key)
            samples.setdefault(
                name, reverse(name, kwargs={argument: value.lower() if isinstance(value, str) else value})
            )
    # The releases of the data: release 1, its zip and the newest zip, whether or not a release has been made
    # (without one they answer 404, which the fuzzer then checks).
    releases = {
        "exports:release": {"version": 1},
        "exports:release-file": {"version": 1, "filename": "kptracker-data-1.zip"},
        "exports:latest-release-file": {"kind": "data.zip"},
    }
    for name, kwargs in releases.items():
        samples.setdefault(name, reverse(name, kwargs=kwargs))
    return samples
