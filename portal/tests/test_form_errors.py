"""The error summary's links and the "Error: " page title, for every form page in the portal
(portal.form_errors, portal.templatetags.form_errors, templates/base.html)."""

import re
from datetime import timedelta
from html import unescape

from django import forms
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, lazy

from portal.form_errors import error_items, field_target, has_form_errors
from wellbeing.tests.helpers import form_data
from wellbeing.tests.team_helpers import flag


class Sample(forms.Form):
    name = forms.CharField()
    level = forms.ChoiceField(choices=[("1", "One"), ("2", "Two")], widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    role = forms.ChoiceField(choices=[("x", "X")])
    agree = forms.BooleanField()
    when = forms.SplitDateTimeField()
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def test_each_error_links_to_the_element_that_takes_focus():
    form = Sample(data={}, prefix="p")
    items = error_items([form])
    assert [(i.target, i.message) for i in items] == [
        ("", "The whole form is wrong."),
        ("id_p-name", "This field is required."),
        ("id_p-level_0", "This field is required."),  # the first radio: a group takes no focus
        ("id_p-kinds_0", "This field is required."),  # the first tick box
        ("id_p-role", "This field is required."),  # a select itself, not its first option
        ("id_p-agree", "This field is required."),
        ("id_p-when_0", "This field is required."),  # the first input of a split widget
        ("", "This field is required."),  # a hidden field: listed, nothing to link to
    ]
    assert field_target(form["name"]) == "id_p-name"


def test_unbound_forms_and_other_values_add_nothing_and_dicts_and_lists_of_forms_are_read():
    bound = Sample(data={"name": "x"})
    assert error_items([Sample(), "text", 3, None]) == []
    assert not has_form_errors([Sample(), {"a": Sample()}, [Sample()]])
    assert has_form_errors([{"chosen": bound, "other": Sample()}])
    assert has_form_errors([[Sample(), bound]])
    assert error_items([], extra=["The page expired.", ""])[0].message == "The page expired."


def test_lazy_values_in_the_context_are_not_evaluated():
    def explode():
        raise AssertionError("evaluated")

    assert not has_form_errors([SimpleLazyObject(explode), lazy(explode, str)()])


def test_the_title_starts_with_error_only_on_a_page_with_a_bound_form_in_error(rf: RequestFactory):
    template = Template('{% load form_errors %}{% page_has_form_errors as e %}{% if e %}Error: {% endif %}Page')
    request = rf.get("/")
    csrf = SimpleLazyObject(lambda: get_token(request))
    assert template.render(Context({"form": Sample(), "csrf_token": csrf})) == "Page"
    assert template.render(Context({"forms": {"a": Sample(data={})}})) == "Error: Page"
    assert "CSRF_COOKIE" not in request.META  # the lazy token was never asked for


def test_a_page_level_problem_is_listed_whole_even_when_it_is_a_lazy_translation():
    problem = lazy(lambda: "This form has expired.", str)()  # what gettext_lazy returns: a Promise
    html = Template("{% load form_errors %}{% error_summary form extra=problem %}").render(Context({
        "form": Sample(), "problem": problem}))
    assert "<li>This form has expired.</li>" in html and "There is a problem" in html
    assert Template("{% load form_errors %}{% error_summary form %}").render(Context({"form": Sample()})).strip() == ""


def _title(response) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)).strip()


def test_the_shift_form_title_says_error(login, officer):
    client = login(officer)
    assert _title(client.get("/exposure/log/")).startswith("Log a shift")
    response = client.post("/exposure/log/", {"shift_date": "", "role": "call_handling"})
    assert _title(response).startswith("Error: Log a shift")


def test_a_check_in_title_says_error_and_its_summary_links_each_question(login, officer):
    client = login(officer)
    data = form_data(client, "gad7", [1, 2, 3, None, 0, 1, 2])
    response = client.post("/wellbeing/checkin/gad7/", data)
    html = response.content.decode()
    assert _title(response).startswith("Error: GAD-7")
    assert re.search(r'id="error-summary"[^>]*tabindex="-1"', html)
    assert '<a href="#id_q4_0">Choose an answer for question 4.</a>' in html


def test_a_supervisors_welfare_action_title_says_error(login, supervisor, officer):
    f = flag(officer)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(supervisor).post(f"/team/flags/{f.pk}/", {"follow_up_on": past})
    assert response.status_code == 400 and _title(response).startswith("Error: ")
    assert not _title(login(supervisor).get(f"/team/flags/{f.pk}/")).startswith("Error")


def test_a_trainers_module_form_title_says_error(login, trainer):
    response = login(trainer).post("/training/manage/modules/new/", {"slug": "", "title": ""})
    assert _title(response).startswith("Error: ")
    assert not _title(login(trainer).get("/training/manage/modules/new/")).startswith("Error")
