"""The kernel's typed facts: stored dicts of this and older versions read back the same way."""

from __future__ import annotations

from tracker.kernel import (
    AVAILABLE,
    CONCLUSIVE,
    GONE,
    INCONCLUSIVE,
    REACHABLE,
    CodeRepositoryFacts,
    HubRepositoryFacts,
    LinkStatus,
    read_facts,
    read_listing,
    text_fact,
)


def test_the_status_groups_partition_the_statuses() -> None:
    assert REACHABLE < AVAILABLE
    assert AVAILABLE | GONE | INCONCLUSIVE == set(LinkStatus)
    assert not (AVAILABLE & GONE) and not (AVAILABLE & INCONCLUSIVE) and not (GONE & INCONCLUSIVE)
    assert LinkStatus.ERROR in INCONCLUSIVE and LinkStatus.ERROR not in CONCLUSIVE


def test_a_v2_github_row_reads_as_typed_facts_with_its_text_and_whole_listing() -> None:
    stored = {"facts_version": 2, "full_name": "lab/code", "node_id": "R_1", "stars": 3,
              "tree": [{"path": "train.py", "size": 9}], "listing_complete": True,
              "readme": text_fact("README.md", 12, "# Code\n"), "topics": ["nlp"]}
    facts = read_facts("github_repo", stored)
    assert isinstance(facts, CodeRepositoryFacts)
    assert facts.listing is not None and facts.listing.complete and facts.listing.paths == (
        "train.py",)
    assert facts.readme is not None and facts.readme.text == "# Code\n"
    assert (facts.node_id, facts.stars, facts.topics) == ("R_1", 3, ("nlp",))


def test_a_v1_row_reads_with_its_listing_marked_incomplete_and_its_readme_judged_then() -> None:
    stored = {"full_name": "lab/code", "tree": [{"path": "a.py", "size": 1}],
              "tree_depth_limited": True, "readme": {"path": "README.md", "size": 5,
                                                     "has_install": True}}
    facts = read_facts("github_repo", stored)
    assert isinstance(facts, CodeRepositoryFacts)
    assert facts.listing is not None and not facts.listing.complete
    assert "two levels" in (facts.listing.gap or "")
    assert facts.readme is not None and facts.readme.text is None
    assert facts.readme.analysis == {"has_install": True}


def test_listings_of_every_service_shape_are_read() -> None:
    hub = read_facts("hf_model", {"files": [{"path": "model.safetensors", "size": 5}],
                                  "license": "apache-2.0"})
    assert isinstance(hub, HubRepositoryFacts) and hub.listing is not None
    osf = read_listing({"file_names": [{"path": "/data/x.csv", "size": 1}],
                        "files_truncated": True})
    assert osf is not None and osf.paths == ("data/x.csv",) and not osf.complete
    zenodo = read_listing({"file_names": [{"path": "a.zip"}], "file_count": 3})
    assert zenodo is not None and not zenodo.complete and "1 of 3" in (zenodo.gap or "")
    assert read_listing({"title": "page"}) is None


def test_text_is_capped() -> None:
    stored = text_fact("README.md", 10**6, "x" * 100_000)
    assert len(stored["text"]) == 64_000 and stored["truncated"] is True
