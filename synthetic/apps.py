from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "synthetic"
    verbose_name = "Synthetic data for the benchmark"
