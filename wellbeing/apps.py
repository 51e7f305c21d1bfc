from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "Wellbeing"

    def ready(self):
        """Plug the wellbeing areas into the hooks of the apps below them (the core and exposure never
        import wellbeing): recompute requests, shift saves (a logged critical incident opens a TRiM
        case), the demo seed, and the critical-incident training recommendation for each new TRiM
        case. (The post-shift pulse offer and the officer's load panel are template tags in
        wellbeing.templatetags.exposure_panels.)"""
        from django.db.models.signals import post_save

        from exposure.models import ShiftChange
        from portal.demo import demo_seed, demo_seeded
        from portal.recompute import recompute_wanted
        from training.signals import recent_critical_incidents
        from wellbeing import tasks
        from wellbeing.checkins import demo as checkins_demo
        from wellbeing.checkins import role_schedule
        from wellbeing.oh import demo as oh_demo
        from wellbeing.risk import service as risk_service
        from wellbeing.screening import demo as screening_demo
        from wellbeing.talk import demo as talk_demo
        from wellbeing.trim import demo as trim_demo
        from wellbeing.trim import opening as trim_opening
        from wellbeing.trim import recommend as trim_recommend

        recompute_wanted.connect(tasks.recompute_enqueue_receiver, dispatch_uid="wellbeing.recompute")
        demo_seed.connect(checkins_demo.seed_receiver, dispatch_uid="wellbeing.checkins.demo")
        demo_seed.connect(oh_demo.seed_receiver, dispatch_uid="wellbeing.oh.demo")
        demo_seed.connect(talk_demo.seed_receiver, dispatch_uid="wellbeing.talk.demo")
        demo_seed.connect(trim_demo.seed_receiver, dispatch_uid="wellbeing.trim.demo")
        # A critical incident logged on a shift opens its TRiM case in the same transaction.
        post_save.connect(trim_opening.shift_change_receiver, sender=ShiftChange,
                          dispatch_uid="wellbeing.trim.logged")
        demo_seed.connect(screening_demo.seed_receiver, dispatch_uid="wellbeing.screening.demo")
        demo_seeded.connect(risk_service.demo_seeded_receiver, dispatch_uid="wellbeing.risk.demo")
        # The critical-incident training recommendation follows the TRiM case (issue 20).
        post_save.connect(trim_recommend.case_opened_receiver, sender="wellbeing.TrimCase",
                          dispatch_uid="wellbeing.trim.recommend")
        # A role's check-in interval becomes its schedule rows (issue 18: roles are data).
        post_save.connect(role_schedule.role_saved_receiver, sender="portal.Role",
                          dispatch_uid="wellbeing.checkins.role_schedule")
        recent_critical_incidents.connect(trim_recommend.recent_cases_receiver, dispatch_uid="wellbeing.trim.recent")
        # The overdue-flags gauge of /metrics.
        from portal.metrics import add_collector
        from wellbeing.risk.metrics import overdue_flags

        add_collector(overdue_flags)
