"""Training: modules (versioned), their lessons and knowledge checks, assignments to people,
progress, completions, feedback and automatic assignment rules.

A `Module` is the stable identity (its slug, status and who owns it). Its content lives in
`ModuleVersion`s: the content loader or an edit in the browser adds a new version instead of
changing one that learners have already started, so a completion always points at exactly the
text the person read and the quiz they passed."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles


class Module(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Null for the modules shipped with the portal; otherwise the organisation whose trainer wrote it.
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order in the catalogue"), default=100)
    current_version = models.ForeignKey(
        "training.ModuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self):
        return self.current_version.title if self.current_version_id else self.slug

    @property
    def title(self) -> str:
        return str(self)


class ModuleVersion(models.Model):
    class Source(models.TextChoices):
        FILE = "file", _("Content files")
        BROWSER = "browser", _("Edited in the browser")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    introduction = models.TextField(_("introduction (Markdown)"), blank=True)
    sources = models.TextField(_("sources (Markdown)"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("expected time (minutes)"), default=45)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FILE)
    source_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["module", "-number"]
        constraints = [models.UniqueConstraint(fields=["module", "number"], name="module_version_unique")]

    def __str__(self):
        return f"{self.title} (v{self.number})"


class Lesson(models.Model):
    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="lesson_order_unique")]

    def __str__(self):
        return self.title


class Question(models.Model):
    version = models.ForeignKey(ModuleVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    explanation = models.TextField(blank=True, help_text="Shown when the answer given was wrong.")

    class Meta:
        ordering = ["version", "order"]

    def __str__(self):
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "order"]

    def __str__(self):
        return self.text[:80]


class Assignment(models.Model):
    """One person asked (or recommended) to complete one module. At most one open assignment per
    person and module; a completed one stays as history."""

    class Source(models.TextChoices):
        TRAINER = "trainer", _("Assigned by a trainer")
        RULE = "rule", _("Assigned automatically")
        RECOMMENDED = "recommended", _("Recommended")
        SELF = "self", _("Chosen by the learner")

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training")
    due_on = models.DateField(_("due date"), null=True, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.TRAINER)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    # The version the person is working on, fixed when they open the first lesson.
    version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["completed_at", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "person"], condition=models.Q(completed_at__isnull=True),
                name="one_open_assignment_per_module",
            )
        ]
        indexes = [models.Index(fields=["person", "completed_at"], name="assignment_person_open")]

    def __str__(self):
        return f"{self.module} for {self.person_id}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.completed_at is None and self.due_on is not None and self.due_on < today


class LessonView(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="lesson_views")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "lesson"], name="lesson_viewed_once")]

    def __str__(self):
        return f"lesson {self.lesson_id} read in assignment {self.assignment_id}"


class QuizAttempt(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="attempts")
    version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(help_text="Percentage of questions answered correctly.")
    passed = models.BooleanField()
    # question id -> list of choice ids chosen. Quiz answers are not health data.
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"attempt {self.pk}: {self.score}%"


class Completion(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="completion")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, related_name="completions")
    score = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-completed_at", "-id"]

    def __str__(self):
        return f"{self.module} completed by {self.person_id}"


class Feedback(models.Model):
    class Satisfaction(models.IntegerChoices):
        VERY_UNSATISFACTORY = 1, _("Very unsatisfactory")
        UNSATISFACTORY = 2, _("Unsatisfactory")
        SATISFACTORY = 3, _("Satisfactory")
        VERY_SATISFACTORY = 4, _("Very satisfactory")

    completion = models.OneToOneField(Completion, on_delete=models.CASCADE, related_name="feedback")
    satisfaction = models.PositiveSmallIntegerField(_("how satisfied were you?"), choices=Satisfaction.choices)
    would_recommend = models.BooleanField(_("would you recommend it to a colleague?"))
    comment = models.TextField(_("anything else you would like to tell us"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"feedback on completion {self.completion_id}"


class AutoAssignmentRule(models.Model):
    class Trigger(models.TextChoices):
        JOINS_TEAM = "joins_team", _("Joins a team")
        HAS_ROLE = "has_role", _("Joins a team in a high-risk role")
        CRITICAL_INCIDENT = "critical_incident", _("Records a critical incident (recommendation)")

    organisation = models.ForeignKey("portal.Organisation", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(_("when someone"), max_length=20, choices=Trigger.choices)
    team = models.ForeignKey("portal.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # A `portal.roles.Role` code (the forms offer the Role table).
    high_risk_role = models.CharField(_("high-risk role"), max_length=30, blank=True, default="")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="rules")
    due_in_days = models.PositiveSmallIntegerField(
        _("due within (days)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "trigger", "id"]

    def __str__(self):
        return f"{self.get_trigger_display()} -> {self.module}"

    def get_high_risk_role_display(self) -> str:
        return roles.label(self.high_risk_role)
