"""``core.memo.Memo``: what is kept per data-state key, and when nothing is."""

import pytest

from core.memo import Memo


def _reading(reads, value):
    def read():
        reads.append(1)
        return value

    return read


@pytest.mark.django_db(transaction=True)
def test_a_value_read_once_for_a_key_is_given_again_for_it():
    memo, reads = Memo(4), []

    values = [memo(lambda: "key", _reading(reads, 0)) for _ in range(3)]

    # A count of nothing is a value like any other: kept, not read again.
    assert (values, len(reads)) == ([0, 0, 0], 1)


@pytest.mark.django_db(transaction=True)
def test_another_key_reads_again():
    memo, reads = Memo(4), []

    memo(lambda: "before", _reading(reads, 1))
    value = memo(lambda: "after", _reading(reads, 2))

    assert (value, len(reads)) == (2, 2)


@pytest.mark.django_db(transaction=True)
def test_no_key_keeps_nothing():
    memo, reads = Memo(4), []

    for _ in range(2):
        memo(lambda: None, _reading(reads, 5))

    assert (len(reads), len(memo)) == (2, 0)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_at_most_its_size():
    memo, reads = Memo(2), []
    for key in ("a", "b", "c", "a", "c"):
        memo(lambda key=key: key, _reading(reads, key))

    # "a" went when "c" came, and came back in place of "b"; "c" stayed.
    assert (len(reads), len(memo)) == (4, 2)


@pytest.mark.django_db
def test_inside_a_transaction_it_reads_each_time_and_asks_for_no_key():
    memo, asked, reads = Memo(4), [], []
    for _ in range(2):
        memo(lambda: asked.append(1) or "key", _reading(reads, 3))

    assert (asked, len(reads), len(memo)) == ([], 2, 0)
