"""The check-in form against hostile input (no database): it is valid exactly when every item has
an answer on the instrument's scale, and then yields those answers in item order."""

from hypothesis import given
from hypothesis import strategies as st

from wellbeing.checkins.forms import CheckInForm
from wellbeing.instruments import INSTRUMENTS

values = st.one_of(st.integers(-3, 7).map(str), st.text(max_size=4), st.none())


@given(st.sampled_from(sorted(INSTRUMENTS)), st.data())
def test_the_form_accepts_only_complete_on_scale_answers(code, data):
    definition = INSTRUMENTS[code]
    raw = {f"q{item.number}": data.draw(values) for item in definition.items}
    if definition.safety_question:
        raw["safety"] = data.draw(st.sampled_from(["0", "1", "2", "", None]))
    raw["comment"] = data.draw(st.text(st.characters(exclude_characters="\x00"), max_size=50))
    posted = {k: v for k, v in raw.items() if v is not None}
    form = CheckInForm(posted, instrument=definition)
    allowed = {str(o.value) for o in definition.options}
    complete = all(raw[f"q{i.number}"] in allowed for i in definition.items)
    if definition.safety_question:
        complete = complete and raw["safety"] in ("0", "1")
    assert form.is_valid() is complete
    if complete:
        assert form.answers() == [int(raw[f"q{i.number}"]) for i in definition.items]
        assert definition.score(form.answers(), safety=form.safety()).total == sum(form.answers())
