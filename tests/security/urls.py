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
    # The feeds that follow a page: the feed of the first participant and of the first issue.
    feeds = {"feeds:participant": ("meetings", "participant", "code"), "feeds:issue": ("positions", "issue", "slug")}
    for name, (app, model_name, key) in feeds.items():
        obj = apps.get_model(app, model_name).objects.order_by("pk").first()
        if obj is not None:
            samples.setdefault(name, reverse(name, kwargs={key: getattr(obj, key).lower()}))
    return samples
