"""Keyed pseudonyms (the writers and suppression: portal/tests/test_exports.py)."""

import pytest

from wellbeing import exports


def test_a_pseudonym_is_stable_for_the_same_person_and_key():
    assert exports.pseudonym(42, "key-one") == exports.pseudonym(42, "key-one")
    assert len(exports.pseudonym(42, "key-one")) == exports.PSEUDONYM_LENGTH


def test_a_pseudonym_differs_between_people_and_between_keys():
    assert exports.pseudonym(42, "key-one") != exports.pseudonym(43, "key-one")
    assert exports.pseudonym(42, "key-one") != exports.pseudonym(42, "key-two")


def test_a_pseudonym_is_not_a_plain_hash_of_the_id():
    import hashlib

    plain = hashlib.sha256(b"42").hexdigest()[: exports.PSEUDONYM_LENGTH]
    assert exports.pseudonym(42, "key-one") != plain
    assert "42" not in exports.pseudonym(42, "key-one")


def test_a_pseudonym_needs_a_key():
    with pytest.raises(ValueError):
        exports.pseudonym(1, "")


def test_the_pseudonymiser_caches_and_agrees_with_the_function():
    p = exports.Pseudonymiser("k")
    assert p(7) == exports.pseudonym(7, "k") == p(7)
