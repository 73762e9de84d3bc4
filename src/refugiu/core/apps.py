from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "refugiu.core"
    label = "core"

    def ready(self) -> None:
        from refugiu.core import lookups  # noqa: F401  (registers the `__any` lookup)
