from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "refugiu.core"
    label = "core"
