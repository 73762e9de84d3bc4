from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "refugiu.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from refugiu.core import lookups  # noqa: F401  (registers the `__any` lookup)

        # Pillow's decompression-bomb limit, for every image it opens here (see core.uploads).
        Image.MAX_IMAGE_PIXELS = settings.REFUGIU["IMAGE_MAX_PIXELS"]
