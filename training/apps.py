from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from portal.demo import demo_seed
        from training import demo, signals

        signals.connect()
        demo_seed.connect(demo.seed_receiver, dispatch_uid="training.demo")
