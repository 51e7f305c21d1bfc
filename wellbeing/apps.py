from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "Wellbeing"

    def ready(self):
        """Plug the wellbeing areas into the hooks of the apps below them (the core and exposure never
        import wellbeing): recompute requests, the post-shift pulse offer, the demo seed."""
        from exposure.signals import pulse_offer_wanted
        from portal.demo import demo_seed, demo_seeded
        from portal.recompute import recompute_wanted
        from wellbeing import tasks
        from wellbeing.checkins import demo as checkins_demo
        from wellbeing.checkins import selectors as checkins_selectors
        from wellbeing.oh import demo as oh_demo
        from wellbeing.risk import service as risk_service

        recompute_wanted.connect(tasks.recompute_enqueue_receiver, dispatch_uid="wellbeing.recompute")
        pulse_offer_wanted.connect(checkins_selectors.pulse_offer_receiver, dispatch_uid="wellbeing.pulse_offer")
        demo_seed.connect(checkins_demo.seed_receiver, dispatch_uid="wellbeing.checkins.demo")
        demo_seed.connect(oh_demo.seed_receiver, dispatch_uid="wellbeing.oh.demo")
        demo_seeded.connect(risk_service.demo_seeded_receiver, dispatch_uid="wellbeing.risk.demo")
