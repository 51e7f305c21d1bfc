"""Fixtures for the training tests: a small published module built through the services."""

import pytest

from training.tests.factories import QUIZ, answers_for, make_module

__all__ = ["QUIZ", "answers_for", "make_module"]


@pytest.fixture
def module(trainer):
    return make_module(trainer)
