from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and the synthetic data: `refugiu demo` and the `generate_*` commands. No models."""

    name = "refugiu.demo"
    label = "demo"
