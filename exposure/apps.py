from django.apps import AppConfig


class ExposureConfig(AppConfig):
    name = "exposure"
    verbose_name = "Exposure"

    def ready(self):
        from exposure import demo
        from portal.demo import demo_seed

        demo_seed.connect(demo.seed_receiver, dispatch_uid="exposure.demo")
