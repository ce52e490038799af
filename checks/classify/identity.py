"""Is a cited repository really the paper's? The test for a name someone else now holds.

When an account is renamed, GitHub redirects its repositories, until somebody registers the
old name: from then on the cited URL answers with a stranger's repository, no redirect. Such
a repository betrays itself by two facts together:

- it was created after the paper's first version (dated by the arXiv id's YYMM: the first
  day of that month, so a repository made the same month is still examined), and
- its README, description, topics and homepage name neither the paper's arXiv id, nor its
  title, nor its project name (the part of the title before a colon), nor most of the
  title's distinctive words, nor the repository itself (a README headed "# bigBatch" in
  the cited `bigBatch` presents the project the paper cites: minimal READMEs are common).

Only then is it *suspect*. A repository created before the paper, or one that names the
paper, is taken as the paper's. Without an arXiv id (no date) or with no text to read
(facts v1 kept no README text) nothing is concluded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tracker.identifiers import normalise_title
from tracker.kernel import CodeRepositoryFacts

_NEW_STYLE_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")
_WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset(
    "a an and are as at be by for from in into is of on or the to via with without towards "
    "using based learning model models approach method methods large language neural deep "
    "network networks data dataset new study analysis".split()
)
DISTINCTIVE_SHARE = 0.6  # of the title's distinctive words, when neither title nor id is named


def paper_month(arxiv_id: str) -> datetime | None:
    """The first day (UTC) of the month of the paper's first arXiv version, if known."""
    match = _NEW_STYLE_ID.match(arxiv_id or "")
    if not match:
        return None
    year, month = 2000 + int(match.group(1)), int(match.group(2))
    return datetime(year, month, 1, tzinfo=UTC) if 1 <= month <= 12 else None


def _created(repo: CodeRepositoryFacts) -> datetime | None:
    if not repo.created_at:
        return None
    try:
        created = datetime.fromisoformat(repo.created_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise_title(text) or "")


def names_the_paper(text: str, title: str, arxiv_id: str) -> str | None:
    """What in ``text`` names the paper (its arXiv id, title, project name or most of its
    distinctive words), or None."""
    if arxiv_id and arxiv_id in text:
        return f"arXiv {arxiv_id}"
    haystack = " " + " ".join(_words(text)) + " "
    title_words = _words(title)
    if title_words and f" {' '.join(title_words)} " in haystack:
        return "the title"
    project, colon, _ = title.partition(":")
    project_words = _words(project)
    if colon and 0 < len(project_words) <= 4 and f" {' '.join(project_words)} " in haystack:
        return f"the project name {project.strip()!r}"
    distinctive = {w for w in title_words if len(w) >= 4 and w not in STOP_WORDS}
    present = {w for w in distinctive if f" {w} " in haystack}
    if distinctive and len(present) >= max(2, DISTINCTIVE_SHARE * len(distinctive)):
        return f"{len(present)} of the title's {len(distinctive)} distinctive words"
    return None


def _names_itself(text: str, full_name: str | None) -> bool:
    """Whether the text names the repository (its name, in any spelling of its words)."""
    name = (full_name or "").rpartition("/")[2]
    if len(name) < 3:
        return False
    if name.lower() in text.lower():
        return True
    words = _words(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name))
    haystack = " " + " ".join(_words(text)) + " "
    return bool(words) and f" {' '.join(words)} " in haystack


def identity_doubt(repo: CodeRepositoryFacts, title: str, arxiv_id: str) -> str | None:
    """Why the repository looks like somebody else's (see the module docstring), or None."""
    month, created = paper_month(arxiv_id), _created(repo)
    if month is None or created is None or created < month:
        return None
    readme = repo.readme
    if readme is not None and readme.text is None and readme.analysis is not None:
        return None  # facts v1: the README's text was not kept, nothing to read
    text = "\n".join(part for part in (
        readme.text if readme is not None else None, repo.description, repo.homepage,
        " ".join(repo.topics)) if part)
    if names_the_paper(text, title, arxiv_id) or _names_itself(text, repo.full_name):
        return None
    return (f"created {created:%Y-%m-%d}, after the paper's first version "
            f"({month:%Y-%m}), and its README, description and topics name neither its "
            "title, its arXiv id nor its project: the name may now belong to someone else")
