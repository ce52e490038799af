"""Change detection between two audits: what a reader of the audit report should notice.

Each audit is read as a snapshot (`tracker.snapshots`); two snapshots are compared link by
link and paper by paper into `Change` values, each with a one-line summary and a severity.

Inconclusive states never produce a change: links are compared on their last conclusive
observations (a rate-limited, failed or unchecked look is not evidence that anything died or
vanished), and a paper's score and grade only when both scorecards were graded (an
incomplete scorecard withholds its grade, so an outage's end is no improvement).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from sqlmodel import Session, col, select

from checks.classify.licenses import NO_LICENSE_IDS
from tracker.kernel import AVAILABLE, GONE, LinkStatus
from tracker.snapshots import (
    audit_paper_ids,
    get_audit,
    observations_as_of,
    previous_completed_audit,
    scorecards_as_of,
)
from tracker.store.models import Link, ObservationRecord, Paper, ScorecardRecord
from tracker.store.papers import links_of

Severity = Literal["bad", "good", "info"]
SEVERITY_ORDER: tuple[Severity, ...] = ("bad", "good", "info")

#: Statuses in which the target exists (gated: behind terms, but there).
REACHABLE_STATUSES = AVAILABLE
#: Statuses a reachable link "dies" into (an error or a rate limit says nothing of the link).
DEAD_STATUSES = GONE
#: Kinds whose `missing` means the repository was deleted (not just a page gone).
REPOSITORY_KINDS = frozenset({"github_repo", "hf_model", "hf_dataset", "hf_space", "osf_node"})
#: Outcomes of weights_released / data_released that mean "released".
RELEASED_OUTCOMES = frozenset({"pass", "partial"})
SCORE_EPSILON = 0.005  # scores are stored rounded to 4 places; ignore noise below this


class ChangeKind(StrEnum):
    """What changed between two audits."""

    NEW_PAPER = "new_paper"
    NEW_LINK = "new_link"
    LINK_DIED = "link_died"
    LINK_BACK = "link_back"
    REPO_DELETED = "repo_deleted"
    MADE_PRIVATE = "made_private"
    RENAMED = "renamed"
    REPO_REPLACED = "repo_replaced"
    ARCHIVED = "archived"
    UNARCHIVED = "unarchived"
    GATED = "gated"
    UNGATED = "ungated"
    LICENSE_ADDED = "license_added"
    LICENSE_REMOVED = "license_removed"
    LICENSE_CHANGED = "license_changed"
    NEW_RELEASE = "new_release"
    WEIGHTS_APPEARED = "weights_appeared"
    WEIGHTS_VANISHED = "weights_vanished"
    DATA_APPEARED = "data_appeared"
    DATA_VANISHED = "data_vanished"
    PROMISED_CODE_APPEARED = "promised_code_appeared"
    SCORE_CHANGED = "score_changed"
    GRADE_CHANGED = "grade_changed"
    STARS_CHANGED = "stars_changed"


@dataclass(frozen=True)
class Change:
    """One difference between two audits, as a report shows it."""

    paper_id: int
    paper_title: str
    link_url: str | None
    kind: ChangeKind
    before: Any
    after: Any
    summary: str
    severity: Severity


@dataclass(frozen=True)
class StarsThreshold:
    """Stars changed noticeably when the difference is >= `minimum` and >= `relative` x before."""

    relative: float = 0.2
    minimum: int = 10

    def exceeded(self, before: int, after: int) -> bool:
        """Whether going from `before` to `after` stars is worth reporting."""
        delta = abs(after - before)
        return delta >= self.minimum and delta >= self.relative * max(before, 1)


# ---- comparisons -----------------------------------------------------------------------


def _status(row: ObservationRecord | None) -> LinkStatus | None:
    return LinkStatus(row.status) if row is not None else None


def _license_of(facts: dict[str, Any]) -> tuple[bool, str | None]:
    """(whether the facts state a license at all, the license id or None for "none")."""
    for key in ("license_spdx", "license"):
        if key in facts:
            value = facts[key]
            if value is None or str(value).strip().lower() in NO_LICENSE_IDS:
                return True, None
            return True, str(value)
    return False, None


def _release_names(facts: dict[str, Any]) -> list[str]:
    names = [str(r.get("tag") or r.get("name")) for r in facts.get("releases") or []
             if not r.get("draft")]
    if not facts.get("tags_more"):
        names += [str(tag) for tag in facts.get("tags") or []]
    return list(dict.fromkeys(names))


def _link_changes(
    link: Link, before: ObservationRecord, after: ObservationRecord, stars: StarsThreshold
) -> Iterator[tuple[ChangeKind, Any, Any, str, Severity]]:
    """What changed on one link between two observations (kind, before, after, summary, severity)."""
    was, now = _status(before), _status(after)
    assert was is not None and now is not None
    url = link.url
    if was in REACHABLE_STATUSES and now in DEAD_STATUSES:
        if now is LinkStatus.MISSING and link.kind in REPOSITORY_KINDS:
            yield ChangeKind.REPO_DELETED, str(was), str(now), f"{url} was deleted (not found)", "bad"
        elif now is LinkStatus.PRIVATE:
            yield ChangeKind.MADE_PRIVATE, str(was), str(now), f"{url} was made private", "bad"
        else:
            reason = f" ({after.reason})" if after.reason else ""
            yield ChangeKind.LINK_DIED, str(was), str(now), f"{url} is now {now}{reason}", "bad"
        return
    if was in DEAD_STATUSES and now in REACHABLE_STATUSES:
        yield ChangeKind.LINK_BACK, str(was), str(now), f"{url} is reachable again ({now})", "good"
    if now not in REACHABLE_STATUSES or was not in REACHABLE_STATUSES:
        return
    old, new = before.facts or {}, after.facts or {}
    if old.get("node_id") and new.get("node_id") and old["node_id"] != new["node_id"]:
        yield (ChangeKind.REPO_REPLACED, old["node_id"], new["node_id"],
               f"{url} was replaced: a different repository (new GitHub id) now answers "
               "under this name", "bad")
    if new.get("moved_to") and new.get("moved_to") != old.get("moved_to"):
        origin = old.get("moved_to") or link.target
        yield (ChangeKind.RENAMED, origin, new["moved_to"],
               f"{url} moved from {origin} to {new['moved_to']}", "info")
    if bool(new.get("archived")) != bool(old.get("archived")) and "archived" in new:
        if new.get("archived"):
            yield ChangeKind.ARCHIVED, False, True, f"{url} was archived (read-only)", "bad"
        else:
            yield ChangeKind.UNARCHIVED, True, False, f"{url} is no longer archived", "good"
    if was is not LinkStatus.GATED and now is LinkStatus.GATED:
        yield (ChangeKind.GATED, str(was), str(now),
               f"{url} is now gated: files need accepted terms or approval", "bad")
    elif was is LinkStatus.GATED and now is not LinkStatus.GATED:
        yield ChangeKind.UNGATED, str(was), str(now), f"{url} is no longer gated", "good"
    yield from _license_change(url, old, new)
    if old.get("releases") is not None or old.get("tags") is not None:
        known = set(_release_names(old))
        added = [name for name in _release_names(new) if name not in known]
        if added:
            yield (ChangeKind.NEW_RELEASE, tuple(sorted(known)), tuple(added),
                   f"{url} has a new release or tag: {', '.join(added)}", "good")
    old_stars, new_stars = old.get("stars"), new.get("stars")
    if isinstance(old_stars, int) and isinstance(new_stars, int):
        if stars.exceeded(old_stars, new_stars):
            direction = "rose" if new_stars > old_stars else "fell"
            yield (ChangeKind.STARS_CHANGED, old_stars, new_stars,
                   f"{url} stars {direction} from {old_stars} to {new_stars}", "info")


def _license_change(
    url: str, old: dict[str, Any], new: dict[str, Any]
) -> Iterator[tuple[ChangeKind, Any, Any, str, Severity]]:
    stated_before, before = _license_of(old)
    stated_after, after = _license_of(new)
    if not (stated_before and stated_after) or before == after:
        return
    if before is None:
        yield ChangeKind.LICENSE_ADDED, None, after, f"{url} now has a license: {after}", "good"
    elif after is None:
        yield ChangeKind.LICENSE_REMOVED, before, None, f"{url} lost its license ({before})", "bad"
    else:
        yield (ChangeKind.LICENSE_CHANGED, before, after,
               f"{url} changed license from {before} to {after}", "info")


def _outcome(card: ScorecardRecord, criterion_id: str) -> str | None:
    criteria = (card.findings or {}).get("criteria") or {}
    return (criteria.get(criterion_id) or {}).get("outcome")


def _score_text(score: float | None, grade: str | None) -> str:
    return "no score" if score is None else f"{score:.2f} ({grade})"


def _paper_changes(
    before: ScorecardRecord, after: ScorecardRecord
) -> Iterator[tuple[ChangeKind, Any, Any, str, Severity]]:
    """What changed in a paper's scorecard between two audits."""
    for criterion_id, label, appeared, vanished in (
        ("weights_released", "Model weights", ChangeKind.WEIGHTS_APPEARED,
         ChangeKind.WEIGHTS_VANISHED),
        ("data_released", "Data", ChangeKind.DATA_APPEARED, ChangeKind.DATA_VANISHED),
    ):
        old, new = _outcome(before, criterion_id), _outcome(after, criterion_id)
        if old is None or new is None or "unavailable" in (old, new):
            continue
        if old not in RELEASED_OUTCOMES and new in RELEASED_OUTCOMES:
            yield appeared, old, new, f"{label} released (now downloadable)", "good"
        elif old in RELEASED_OUTCOMES and new not in RELEASED_OUTCOMES:
            yield vanished, old, new, f"{label} no longer downloadable", "bad"
    if before.promise_unfulfilled and not after.promise_unfulfilled:
        kept = [line for line in (before.findings or {}).get("promise_evidence") or []
                if "README placeholder for" in line or "README promise for" in line]
        if kept:
            things = sorted({line.split(" for ", 1)[1].split(":", 1)[0] for line in kept})
            yield (ChangeKind.PROMISED_CODE_APPEARED, True, False,
                   f"Promise kept: the {' and '.join(things)} the README promised "
                   "were released", "good")
        else:
            yield (ChangeKind.PROMISED_CODE_APPEARED, True, False,
                   "Promised code appeared: the repository is no longer a placeholder", "good")
    if "incomplete" in (before.status, after.status):
        return  # a withheld grade is not a grade: nothing to compare
    old_score, new_score = before.score, after.score
    old_text, new_text = _score_text(old_score, before.grade), _score_text(new_score, after.grade)
    moved = (old_score is None) != (new_score is None) or (
        old_score is not None and new_score is not None
        and abs(new_score - old_score) >= SCORE_EPSILON)
    if before.grade != after.grade or moved:
        kind = ChangeKind.GRADE_CHANGED if before.grade != after.grade else ChangeKind.SCORE_CHANGED
        if old_score is not None and new_score is not None:
            severity: Severity = "good" if new_score > old_score else "bad"
            verb = "rose" if new_score > old_score else "fell"
        else:
            severity, verb = "info", "changed"
        yield kind, old_text, new_text, f"Score {verb} from {old_text} to {new_text}", severity


def detect_changes(
    session: Session,
    audit_id: int,
    previous_audit_id: int | None = None,
    *,
    stars: StarsThreshold = StarsThreshold(),
) -> list[Change]:
    """The changes between an audit and the previous one (default: the latest completed
    audit before it); empty when there is nothing to compare with.

    Order: papers in id order; within a paper bad, then good, then info, each in link order.
    """
    audit = get_audit(session, audit_id)
    previous_id = (previous_audit_id if previous_audit_id is not None
                   else previous_completed_audit(session, audit_id))
    if previous_id is None:
        return []
    previous = get_audit(session, previous_id)
    paper_ids = audit_paper_ids(session, audit)
    papers = {p.id: p for p in session.exec(select(Paper).where(col(Paper.id).in_(paper_ids)))}
    grouped = links_of(session, paper_ids)
    link_ids = [link.id for links in grouped.values() for link in links if link.id]
    now_obs = observations_as_of(session, audit, link_ids, conclusive_only=True)
    then_obs = observations_as_of(session, previous, link_ids, conclusive_only=True)
    now_cards = scorecards_as_of(session, audit, paper_ids)
    then_cards = scorecards_as_of(session, previous, paper_ids)

    changes: list[Change] = []
    for paper_id in paper_ids:
        paper = papers[paper_id]
        title = paper.title or paper.arxiv_id or f"paper #{paper_id}"
        found = list(_changes_of_paper(paper_id, grouped[paper_id], now_obs, then_obs,
                                       now_cards, then_cards, stars))
        found.sort(key=lambda item: SEVERITY_ORDER.index(item[5]))  # stable: link order kept
        changes += [Change(paper_id, title, url, kind, before, after, summary, severity)
                    for url, kind, before, after, summary, severity in found]
    return changes


def _changes_of_paper(
    paper_id: int,
    links: Sequence[Link],
    now_obs: dict[int, ObservationRecord],
    then_obs: dict[int, ObservationRecord],
    now_cards: dict[int, ScorecardRecord],
    then_cards: dict[int, ScorecardRecord],
    stars: StarsThreshold,
) -> Iterator[tuple[str | None, ChangeKind, Any, Any, str, Severity]]:
    """A paper's changes as (link url, kind, before, after, summary, severity)."""
    seen_before = paper_id in then_cards or any(link.id in then_obs for link in links)
    if not seen_before:
        if paper_id in now_cards or any(link.id in now_obs for link in links):
            card = now_cards.get(paper_id)
            grade = _score_text(card.score, card.grade) if card else "not scored"
            yield (None, ChangeKind.NEW_PAPER, None, grade,
                   f"New paper, first audited: {len(links)} link(s), score {grade}", "info")
        return
    for link in links:
        after = now_obs.get(link.id) if link.id else None
        if after is None:
            continue
        before = then_obs.get(link.id) if link.id else None
        if before is None:
            yield (link.url, ChangeKind.NEW_LINK, None, after.status,
                   f"New link {link.url} ({link.kind}): {after.status}", "info")
            continue
        for kind, old, new, summary, severity in _link_changes(link, before, after, stars):
            yield link.url, kind, old, new, summary, severity
    if paper_id in now_cards and paper_id in then_cards:
        for kind, old, new, summary, severity in _paper_changes(then_cards[paper_id],
                                                                now_cards[paper_id]):
            yield None, kind, old, new, summary, severity
