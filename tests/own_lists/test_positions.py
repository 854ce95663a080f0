"""Gapped positions: a move writes one row, until neighbours touch."""

from flicklist.own_lists.positions import GAP, between, spaced


def test_a_move_takes_the_middle_of_its_neighbours_or_a_gap_beyond_the_end():
    assert between(GAP, 2 * GAP) == GAP + GAP // 2
    assert between(None, GAP) == 0 and between(5 * GAP, None) == 6 * GAP
    assert between(None, None) == GAP


def test_neighbours_that_touch_leave_no_room_and_the_list_is_spaced_again():
    assert between(7, 8) is None and between(7, 7) is None
    assert between(7, 9) == 8
    assert spaced(3) == [GAP, 2 * GAP, 3 * GAP]
