"""Queue sizes on the admin's buttons and titles: exact up to COUNT_CAP, then "1000+"."""

from __future__ import annotations

import re

import pytest

from models import OPEN_STATUSES
from models.entities import OPEN_REQUESTS
from models.queues import COUNT_CAP, Queue
from utils.i18n import Catalogue
from utils.keyboards.staff import admin_panel_keyboard


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_queue_past_the_cap_shows_cap_plus(language: str) -> None:
    t = Catalogue("ru").translator(language)
    counts = {Queue.NEW: COUNT_CAP, Queue.ALL: COUNT_CAP + 1}
    markup = admin_panel_keyboard(t, counts)
    texts = [b.text for row in markup.inline_keyboard for b in row]
    assert texts[0].endswith(f"({COUNT_CAP})")  # exactly the cap: still a plain number
    assert texts[5].endswith(f"({COUNT_CAP}+)")


def test_partial_indexes_cover_exactly_the_open_statuses() -> None:
    spelled = set(re.findall(r"'(\w+)'", OPEN_REQUESTS))
    assert spelled == {s.value for s in OPEN_STATUSES}
