from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "Wellbeing"

    def ready(self):
        """Plug the wellbeing areas into the hooks of the apps below them (the core and exposure never
        import wellbeing): recompute requests and the demo seed. (The post-shift pulse offer and the
        officer's load panel are template tags in wellbeing.templatetags.exposure_panels.)"""
        from portal.demo import demo_seed, demo_seeded
        from portal.recompute import recompute_wanted
        from wellbeing import tasks
        from wellbeing.checkins import demo as checkins_demo
        from wellbeing.oh import demo as oh_demo
        from wellbeing.risk import service as risk_service

        recompute_wanted.connect(tasks.recompute_enqueue_receiver, dispatch_uid="wellbeing.recompute")
        demo_seed.connect(checkins_demo.seed_receiver, dispatch_uid="wellbeing.checkins.demo")
        demo_seed.connect(oh_demo.seed_receiver, dispatch_uid="wellbeing.oh.demo")
        demo_seeded.connect(risk_service.demo_seeded_receiver, dispatch_uid="wellbeing.risk.demo")
