"""The disputes every new store starts with, read from the bundled seed.json."""

from __future__ import annotations

import json

from tracker.models import Dispute, now_stamp
from tracker.paths import bundled


def seed_disputes() -> list[Dispute]:
    """The three seeded disputes, stamped as recorded now."""
    text = bundled("seed.json")
    stamp = now_stamp()
    disputes = []
    for raw in json.loads(text)["disputes"]:
        dispute = Dispute.from_dict(raw)
        dispute.created = dispute.updated = stamp
        for event in dispute.events:
            event.recorded = stamp
            event.origin = "seed"
        disputes.append(dispute)
    return disputes
