"""A lean history: identical facts and findings are stored once, and read back whole."""

from __future__ import annotations

import json
from typing import Any

from alembic import command
from fakes.huggingface import FakeHub, fake_hub  # noqa: F401
from hub_papers import papers_citing, sources_for
from sqlalchemy import func, text
from sqlmodel import Session, select

from checks import CRITERIA
from tracker.auditing import run_audit
from tracker.facts import paper_facts
from tracker.kernel import LinkStatus, Observation
from tracker.scoring import DEFAULT_WEIGHTS
from tracker.store.content import REF_KEY, canonical, digest_of
from tracker.store.engine import (
    alembic_config,
    create_store_engine,
    migrate,
    open_store,
    transaction,
)
from tracker.store.models import ContentRecord, Link, ObservationRecord, Paper, ScorecardRecord
from tracker.store.observations import record_observation
from tracker.store.papers import links_of

BIG = {"repo_id": "org/m", "files": [{"path": f"shard-{n}.safetensors", "size": n}
                                     for n in range(20)]}


def _stored(engine: Any, table: str, column: str) -> list[Any]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text(f"SELECT {column} FROM {table}"))]


def test_an_unchanged_reaudit_stores_no_new_facts_or_findings(db_url: str, fake_hub: FakeHub) -> None:
    engine = open_store(db_url)
    for n in range(5):
        fake_hub.add_model(f"org/m{n}", files={f"shard-{k}.safetensors": k for k in range(10)})
    ids = papers_citing(engine, *[[f"https://huggingface.co/org/m{n}"] for n in range(5)])

    run_audit(engine, sources_for(fake_hub), DEFAULT_WEIGHTS)
    before = set(_stored(engine, "content", "digest"))
    second = run_audit(engine, sources_for(fake_hub), DEFAULT_WEIGHTS)

    with engine.connect() as connection:
        looks = [v if isinstance(v, dict) else json.loads(v) for (v,) in connection.execute(
            text("SELECT facts FROM observation WHERE audit_id = :a"), {"a": second.id})]
    assert {look[REF_KEY] for look in looks} <= before  # the facts were stored once
    # Scorecards: each paper's findings change only in link_health's count of checks, a
    # finding all five papers share: one new body for it, and nothing else.
    assert len(set(_stored(engine, "content", "digest")) - before) == 1
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ObservationRecord)).one() == 10
        paper = session.get(Paper, ids[0])
        facts = paper_facts(session, paper, links_of(session, [ids[0]])[ids[0]])
        cards = session.exec(select(ScorecardRecord)).all()
    assert facts.links[0].status == LinkStatus.OK and len(facts.links[0].facts["files"]) == 12
    assert all("criteria" in card.findings for card in cards)
    assert [list(card.findings["criteria"]) for card in cards] == [list(CRITERIA)] * 10
    raw_facts = _stored(engine, "observation", "facts")
    assert all(REF_KEY in str(value) for value in raw_facts)  # every row holds a reference


def test_the_migration_moves_existing_rows_and_readers_see_them_unchanged(db_url: str) -> None:
    engine = create_store_engine(db_url)
    migrate(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO paper (id, title, created_at, updated_at) "
                                "VALUES (1, 'P', '2026-01-01', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO link (id, paper_id, url, kind, host, target, provenance, confidence, "
            "anonymous_review, state, created_at) VALUES (1, 1, 'https://huggingface.co/org/m', "
            "'hf_model', 'huggingface.co', 'org/m', 'abstract', 1.0, false, 'active', "
            "'2026-01-01')"))
    with Session(engine) as session:  # two identical looks, written inline as before 0007
        for _ in range(2):
            session.add(ObservationRecord(link_id=1, service="huggingface", status="ok",
                                          facts=dict(BIG)))
        session.commit()

    migrate(engine)

    with Session(engine) as session:
        rows = session.exec(select(ObservationRecord)).all()
        assert [row.facts for row in rows] == [BIG, BIG]
        assert session.exec(select(func.count()).select_from(ContentRecord)).one() == 1
    assert all(REF_KEY in str(value) for value in _stored(engine, "observation", "facts"))
    config = alembic_config()  # and back
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert all(REF_KEY not in str(value) for value in _stored(engine, "observation", "facts"))


def test_rows_written_inline_through_the_orm_still_read(db_url: str) -> None:
    engine = open_store(db_url)
    papers_citing(engine, ["https://huggingface.co/org/m"])
    with transaction(engine) as session:
        link = session.exec(select(Link)).one()
        record_observation(session, link.id, Observation("huggingface", LinkStatus.OK, BIG))
    with Session(engine) as session:
        assert session.exec(select(ObservationRecord)).one().facts == BIG


LINE = "POST /graphql (25 repositories) -> 200 (GraphQL cost 1, remaining 4999)"


def _legacy_rows(engine: Any) -> None:
    """A paper, a link, two identical looks and a scorecard, written at 0007."""
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO paper (id, title, created_at, updated_at) "
                                "VALUES (1, 'P', '2026-01-01', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO link (id, paper_id, url, kind, host, target, provenance, confidence, "
            "anonymous_review, state, created_at) VALUES (1, 1, 'https://huggingface.co/org/m', "
            "'hf_model', 'huggingface.co', 'org/m', 'abstract', 1.0, false, 'active', "
            "'2026-01-01')"))
    findings = {"criteria": {name: {"outcome": "pass", "evidence": [f"{name} seen at once"]}
                             for name in CRITERIA}}
    with Session(engine) as session:
        for _ in range(2):
            session.add(ObservationRecord(link_id=1, service="huggingface", status="ok",
                                          facts=dict(BIG), evidence=[LINE, "short"]))
        session.add(ScorecardRecord(paper_id=1, score=1.0, findings=findings,
                                    figures={"stars": 1, "downloads": 2, "likes": 3,
                                             "last_commit": "2026-01-01"},
                                    weights=dict(DEFAULT_WEIGHTS)))
        session.commit()


def _read_back(engine: Any) -> tuple[list[Any], list[Any]]:
    with Session(engine) as session:
        looks = [(r.facts, r.evidence) for r in session.exec(select(ObservationRecord))]
        cards = [(r.findings, r.figures, r.weights) for r in session.exec(select(ScorecardRecord))]
    return looks, cards


def test_0009_moves_07_references_to_the_short_form_and_back(db_url: str) -> None:
    engine = create_store_engine(db_url)
    migrate(engine, "0006")
    _legacy_rows(engine)
    migrate(engine, "0007")  # 0007's long references ({"$content": hex}, "$criteria")
    at_0007 = _read_back(engine)
    assert all("$content" in str(v) for v in _stored(engine, "observation", "facts"))

    migrate(engine)

    assert _read_back(engine) == at_0007  # readers see exactly what they saw
    facts = [v if isinstance(v, dict) else json.loads(v)
             for v in _stored(engine, "observation", "facts")]
    assert all(set(v) == {REF_KEY} and len(v[REF_KEY]) == 22 for v in facts)
    evidence = [v if isinstance(v, list) else json.loads(v)
                for v in _stored(engine, "observation", "evidence")]
    assert all(items[0] == {REF_KEY: digest_of(canonical(LINE))} and items[1] == "short"
               for items in evidence)  # the long line is stored once, the short stays inline
    raw = " ".join(str(v) for v in _stored(engine, "scorecard", "findings")
                   + _stored(engine, "content", "body"))
    assert "$content" not in raw and "$criteria" not in raw

    config = alembic_config()  # and back to 0007's form
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    assert _read_back(engine) == at_0007
    assert all(len(d) == 32 for d in _stored(engine, "content", "digest"))
    assert all(LINE in str(v) for v in _stored(engine, "observation", "evidence"))
