"""Password hashing: a real instance hashes with OWASP's Argon2id baseline; the cheap hashing the
test suite runs with (FLICKLIST_PASSWORD_HASH_COST=test) is never the default, and no other value is taken."""

import pytest

from flicklist.security.passwords import make_password_hasher
from flicklist.settings import InvalidSetting, password_hash_cost


def test_with_the_setting_unset_passwords_are_hashed_with_owasps_argon2id_baseline():
    parameters = make_password_hasher(password_hash_cost({})).hash("a password long enough").split("$")[3]
    assert parameters == "m=19456,t=2,p=1"


@pytest.mark.parametrize("value", ["cheap", "low", "0", "TEST "])
def test_a_hash_cost_other_than_the_test_suites_is_refused(value):
    with pytest.raises(InvalidSetting, match="FLICKLIST_PASSWORD_HASH_COST"):
        password_hash_cost({"FLICKLIST_PASSWORD_HASH_COST": value})
