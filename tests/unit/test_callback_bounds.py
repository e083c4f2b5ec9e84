"""Every integer of callback data is bounded, so a forged number never reaches a query."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData

from utils import callbacks
from utils.callbacks import Cursor, QueueCb, RequestActionCb, check_bounded


def test_a_class_with_a_plain_int_is_refused_at_import() -> None:
    class Loose(CallbackData, prefix="zz"):
        id: int
        page: Cursor = 0

    with pytest.raises(TypeError, match=r"Loose\.id"):
        check_bounded({"Loose": Loose})


def test_every_class_of_the_bot_passes_the_check() -> None:
    check_bounded(vars(callbacks))


@pytest.mark.parametrize(
    "data", ["ra:take:2147483648", "ra:take:0", "ra:take:-1", "aq:new:0::-2:0", "aq:new:-1::0:0"]
)
def test_out_of_bounds_numbers_do_not_unpack(data: str) -> None:
    cls = RequestActionCb if data.startswith("ra:") else QueueCb
    with pytest.raises(ValueError):
        cls.unpack(data)


def test_bounds_keep_the_valid_extremes() -> None:
    assert RequestActionCb.unpack("ra:take:2147483647").id == 2_147_483_647
    assert QueueCb.unpack("aq:new:0::-1:0").a == -1  # "nobody assigned"
