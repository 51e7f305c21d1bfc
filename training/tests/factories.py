"""Factories for the training tests: a small published module built through the services (as a
trainer builds one), and the answers to its knowledge check."""

from training import services
from training.models import Lesson, Module

QUIZ = """Q: Which is right?
* Right answer
- Wrong answer
Why: Because the lesson said so.

Q: Pick both right ones.
* First right
* Second right
- Wrong one
Why: Both were in lesson two.
"""


def make_module(user, slug="test-module", lessons=3, publish=True):
    module = services.module_create(user=user, slug=slug, title=f"Module {slug}", summary="A summary.",
                                    introduction="Intro text.", sources="- A source")
    version = module.current_version
    for order in range(1, lessons + 1):
        Lesson.objects.create(version=version, order=order, title=f"Lesson {order}", body=f"Body of lesson {order}.")
    services.quiz_replace(version=version, text=QUIZ)
    if publish:
        services.module_set_status(module=module, status=Module.Status.PUBLISHED)
    module.refresh_from_db()
    return module


def answers_for(version, right=True):
    """Answers to every question of `version`: all right, or all wrong."""
    result = {}
    for question in version.questions.prefetch_related("choices"):
        result[question.pk] = {c.pk for c in question.choices.all() if c.is_correct == right}
    return result
