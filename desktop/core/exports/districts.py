"""The per-district figures (targets, trained, covered villages, registrations) from three reads."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import aggregate_strings

from db.change_stamps import WATCHED
from db.models import (
    District,
    Enrolment,
    Person,
    Registration,
    TrainingRound,
    Village,
)
from desktop.core.exports.memo import FiguresMemo
from desktop.core.exports.model import HELD, DistrictFigures

# Above this share of the listed people in rounds that changed, the trained tallies are counted afresh
# (bulk counting in C) rather than updated one person at a time.
RECOUNT_SHARE = 0.25


# The per-district facts are put together in Python from three reads through covering indexes
# (ix_person_figures/ix_village_figures, ix_enrolment_figures, ix_registration_figures), each of which a
# memo can keep while the tables it reads are unchanged. Each read returns its person ids as a few long
# comma-separated strings aggregated by the database (split in C), not one row per person: building 75,000
# row tuples was most of the cost. Ids are cast to text so that every table gives the same form.
def _ids(column) -> Any:
    return aggregate_strings(cast(column, String), ",")


@dataclass(frozen=True)
class _Places:
    """Where each live person in a village lives, by person id, and the live people per district."""

    place_of: dict[str, tuple[str, str]]  # (village id, district code)
    people: Counter

    def placed(self, ids: str | None) -> dict[str, tuple[str, str] | None]:
        """The people of a comma-separated id list with their places (None: not a live person in a village)."""
        if not ids:
            return {}
        listed = ids.split(",")
        return dict(zip(listed, map(self.place_of.get, listed), strict=True))


def _places(s: Session, code: str) -> _Places:
    district = func.substr(Village.code, 1, 4)
    place_of: dict[str, tuple[str, str]] = {}
    people: Counter = Counter()
    # Both lists of a district follow its rows in the same order (one pass feeds every aggregate).
    for d_code, ids, villages in s.execute(
        select(district, _ids(Person.id), _ids(Person.village_id))
        .join(Village, Village.id == Person.village_id)
        .where(Person.office_code == code, Person.deleted.is_(False))
        .group_by(district)
    ):
        listed = ids.split(",")
        place_of.update(zip(listed, zip(villages.split(","), repeat(d_code), strict=False), strict=True))
        people[d_code] = len(listed)
    return _Places(place_of=place_of, people=people)


@dataclass(frozen=True)
class _RoundPeople:
    """One round's people trained and waiting for a result: the id lists as read, and where each lives."""

    fiscal_year: int
    listed: tuple[str | None, str | None]
    trained: dict[str, tuple[str, str] | None]
    waiting: dict[str, tuple[str, str] | None]


class _Tally:
    """Distinct people per district over several rounds' lists, kept with how many lists name each person.

    Adding or taking away one round touches only that round's people, so a result recorded in one round
    costs that round, not the province. With ``villages``, also the villages that have a counted person.
    """

    def __init__(self, lists: list[dict[str, tuple[str, str] | None]], *, villages: bool = False) -> None:
        """The tally of these lists, counted in bulk (C loops) rather than added one list at a time."""
        merged: dict[str, tuple[str, str] | None] = {}
        for people in lists:
            merged.update(people)
        placed = list(filter(None, merged.values()))
        # Plain dicts for the per-person and per-village counts: dict.copy() of 75,000 is a fraction of
        # Counter.copy(), which re-adds every key.
        if sum(map(len, lists)) == len(merged):  # nobody in two lists: the usual case, and the cheap one
            self.named: dict[str, int] = dict.fromkeys(merged, 1)  # lists naming each person
        else:
            self.named = dict(Counter(chain.from_iterable(lists)))
        self.per_district: Counter = Counter(map(itemgetter(1), placed))
        self.people_in: dict[tuple[str, str], int] | None = dict(Counter(placed)) if villages else None
        self.covered: Counter = Counter(map(itemgetter(1), self.people_in or ()))  # villages with people in

    def copy(self) -> _Tally:
        out = _Tally.__new__(_Tally)
        out.named, out.per_district = self.named.copy(), Counter(self.per_district)
        out.people_in = None if self.people_in is None else self.people_in.copy()
        out.covered = Counter(self.covered)
        return out

    def add(self, people: dict[str, tuple[str, str] | None], sign: int) -> None:
        """Count one more list of people (sign 1), or one fewer (sign -1)."""
        named, per_district, people_in, covered = self.named, self.per_district, self.people_in, self.covered
        edge = 1 if sign > 0 else 0  # a person's (or village's) count at which it starts or stops counting
        for pid, place in people.items():
            n = named.get(pid, 0) + sign
            if n:
                named[pid] = n
            else:
                del named[pid]
            if place is None or n != edge:
                continue  # not a live person in a village, or still (or already) counted through another list
            per_district[place[1]] += sign
            if people_in is not None:
                k = people_in.get(place, 0) + sign
                if k:
                    people_in[place] = k
                else:
                    del people_in[place]
                if k == edge:
                    covered[place[1]] += sign


@dataclass(frozen=True)
class _Trained:
    """Who is trained (this year, to date) and who waits for a result, per district, from these rounds."""

    code: str
    fiscal_year: int
    places: _Places  # every round below was placed with these
    rounds: dict[uuid.UUID, _RoundPeople]
    year: _Tally
    to_date: _Tally
    waiting: _Tally
    round_counts: dict[uuid.UUID, tuple[int, int]]  # (enrolled, completed) per round of the year


def _per_round(column, *where) -> Any:
    """An aggregate over a round's live enrolments (and these conditions), read in ix_enrolment_figures."""
    return (
        select(column)
        .where(
            Enrolment.round_id == TrainingRound.id,
            Enrolment.status == "enrolled",
            Enrolment.deleted.is_(False),
            *where,
        )
        .scalar_subquery()
    )


def _trained(s: Session, code: str, fy: int, places: _Places, previous: _Trained | None) -> _Trained:
    """Who is trained and who waits for a result (a held/closed round), from the rounds up to the year.

    Each round's ids come as one string per result (one row per round): a round whose strings equal the
    previous ones has the same people, already placed. Starting from the previous tallies (same year), a round
    whose year and strings are unchanged is left as it is; only the rounds that changed (or appeared, or went)
    are taken away and added again. Without such tallies, or when most people changed, they are counted afresh.
    """
    completed, waiting_result = Enrolment.completed.is_(True), Enrolment.completed.is_(None)
    rows = s.execute(
        select(
            TrainingRound.id,
            TrainingRound.fiscal_year,
            _per_round(func.count()),
            _per_round(func.count(), completed),
            _per_round(_ids(Enrolment.person_id), completed),
            case((TrainingRound.status.in_(HELD), _per_round(_ids(Enrolment.person_id), waiting_result))),
        ).where(
            TrainingRound.office_code == code,
            TrainingRound.deleted.is_(False),
            TrainingRound.fiscal_year <= fy,
        )
    ).all()
    round_counts = {rid: (enrolled, done) for rid, year_, enrolled, done, *_ in rows if year_ == fy}
    placed_alike = previous is not None and previous.places is places and previous.code == code
    kept = previous.rounds if placed_alike else {}
    rounds: dict[uuid.UUID, _RoundPeople] = {}
    changed: list[_RoundPeople] = []  # the new state of rounds that changed
    for rid, round_year, _enrolled, _done, trained_ids, waiting_ids in rows:
        old = kept.get(rid)
        listed = (trained_ids, waiting_ids)
        if old is None or old.listed != listed:
            now = _RoundPeople(round_year, listed, places.placed(trained_ids), places.placed(waiting_ids))
        elif old.fiscal_year != round_year:
            now = _RoundPeople(round_year, listed, old.trained, old.waiting)
        else:
            now = old
        rounds[rid] = now
        if now is not old:
            changed.append(now)
    # The rounds to take away: changed, deleted, moved to a later year or to another office.
    taken = [people for rid, people in kept.items() if rounds.get(rid) is not people]
    moved = sum(len(p.trained) + len(p.waiting) for p in (*changed, *taken))
    total = sum(len(p.trained) + len(p.waiting) for p in rounds.values())
    if not placed_alike or previous.fiscal_year != fy or moved > RECOUNT_SHARE * total:
        every = rounds.values()
        return _Trained(
            code,
            fy,
            places,
            rounds,
            year=_Tally([p.trained for p in every if p.fiscal_year == fy]),
            to_date=_Tally([p.trained for p in every], villages=True),
            waiting=_Tally([p.waiting for p in every]),
            round_counts=round_counts,
        )
    # Copies, so that figures already handed out (and a refresh running alongside) never see a change.
    year, to_date, waiting = previous.year.copy(), previous.to_date.copy(), previous.waiting.copy()
    for people, sign in (*((p, -1) for p in taken), *((p, 1) for p in changed)):
        to_date.add(people.trained, sign)
        if people.fiscal_year == fy:
            year.add(people.trained, sign)
        waiting.add(people.waiting, sign)
    return _Trained(code, fy, places, rounds, year, to_date, waiting, round_counts)


def _registrations(s: Session, code: str, places: _Places) -> Counter:
    """Registrations per district: the people with each registration total, placed in their districts."""
    per_person = (
        select(Registration.person_id, func.coalesce(func.sum(Registration.count), 0).label("n"))
        .where(
            Registration.office_code == code,
            Registration.deleted.is_(False),
            Registration.person_id.is_not(None),
        )
        .group_by(Registration.person_id)
        .subquery()
    )
    out: Counter = Counter()
    place_of = places.place_of
    for n, ids in s.execute(select(per_person.c.n, _ids(per_person.c.person_id)).group_by(per_person.c.n)):
        if n:
            for d_code, people in Counter(
                map(itemgetter(1), filter(None, map(place_of.get, ids.split(","))))
            ).items():
                out[d_code] += people * int(n)
    return out


def _village_targets(s: Session, code: str) -> dict[str, int]:
    """Live villages per district (the ครู ข target)."""
    return dict(
        s.execute(
            select(func.substr(Village.code, 1, 4), func.count())
            .where(Village.office_code == code, Village.deleted.is_(False))
            .group_by(func.substr(Village.code, 1, 4))
        ).all()
    )


def district_figures(
    s: Session, code: str, fy: int, ratio: int, memo: FiguresMemo | None = None, stamp: tuple | None = None
) -> tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple[int, int]]]:
    """The district figures, and (enrolled, completed) per round of the year, read in the same scans."""

    def part(name: str, tables: tuple[str, ...], compute):
        year = fy if name == "trained" else None  # the people's places and registrations serve every year
        key = None if stamp is None else (name, code, year, tuple(stamp[WATCHED.index(t)] for t in tables))
        if memo is None:
            return compute()
        return memo.part(key, compute)

    villages = part("targets", ("village",), lambda: _village_targets(s, code))
    places = part("places", ("village", "person"), lambda: _places(s, code))
    trained = part(
        "trained",
        ("village", "person", "training_round", "enrolment"),
        lambda: _trained(s, code, fy, places, memo.previous("trained") if memo is not None else None),
    )
    registrations = part(
        "registrations", ("registration", "village", "person"), lambda: _registrations(s, code, places)
    )
    out = []
    for d_code, d_name in s.execute(
        select(District.code, District.name_th)
        .where(District.office_code == code, District.deleted.is_(False))
        .order_by(District.code)
    ):
        target = villages.get(d_code, 0)
        out.append(
            DistrictFigures(
                code=d_code,
                name=d_name,
                target=target,
                people=places.people[d_code],
                trained_year=trained.year.per_district[d_code],
                trained_to_date=trained.to_date.per_district[d_code],
                pending=trained.waiting.per_district[d_code],
                villages_covered=trained.to_date.covered[d_code],
                registrations=registrations[d_code],
                registration_target=target * ratio,
            )
        )
    return tuple(out), trained.round_counts
