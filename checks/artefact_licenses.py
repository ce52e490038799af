"""Each artefact's own license, and the conflicts between them.

A paper's code, weights and data are often under different terms: MIT code with
non-commercial weights is common, and a reader who reuses the model needs to know. The
weights license is read from the released weights (a Hub model card's license, a Zenodo or
figshare record's), the data license from the released data (a Hub dataset card, an OSF node,
a Zenodo record). All are written as SPDX ids or expressions, others as named LicenseRefs.

Conflicts reported (never scored, always shown):
- the README's license badge or sentence names another license than the LICENSE file;
- open code with non-commercial or restricted weights (or data);
- the README points to a LICENSE file the repository does not have.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from checks.artifacts import find_releases
from checks.base import LinkFacts, PaperFacts
from checks.classify.licenses import (
    COPYLEFT,
    NON_COMMERCIAL,
    PERMISSIVE,
    canonical_license,
    license_class,
    normalise_license_id,
)
from checks.common import REACHABLE, best_code_repo, file_entries, listing_gap, readme_text

# OSF stores license *names*; the ones OSF offers, by their SPDX ids.
OSF_LICENSE_NAMES: dict[str, str] = {
    "cc0 1.0 universal": "CC0-1.0",
    "cc-by attribution 4.0 international": "CC-BY-4.0",
    "cc-by attribution-noncommercial 4.0 international": "CC-BY-NC-4.0",
    "cc-by attribution-sharealike 4.0 international": "CC-BY-SA-4.0",
    "cc-by attribution-noderivatives 4.0 international": "CC-BY-ND-4.0",
    "cc-by attribution-noncommercial-sharealike 4.0 international": "CC-BY-NC-SA-4.0",
    "cc-by attribution-noncommercial-noderivatives 4.0 international": "CC-BY-NC-ND-4.0",
    "mit license": "MIT",
    "apache license 2.0": "Apache-2.0",
    "bsd 2-clause \"simplified\" license": "BSD-2-Clause",
    "bsd 3-clause \"new\"/\"revised\" license": "BSD-3-Clause",
    "gnu general public license (gpl) 3.0": "GPL-3.0-only",
    "gnu general public license (gpl) 2.0": "GPL-2.0-only",
    "gnu lesser general public license (lgpl) 3.0": "LGPL-3.0-only",
    "eclipse public license 1.0": "EPL-1.0",
    "artistic license 2.0": "Artistic-2.0",
    "mozilla public license 2.0": "MPL-2.0",
    "academic free license (afl) 3.0": "AFL-3.0",
    "no license": "",
    "other": "LicenseRef-other",
}
BADGE_LICENSE = re.compile(r"img\.shields\.io/badge/licen[sc]e-([A-Za-z0-9.+%_-]+?)-[0-9a-z]+",
                           re.IGNORECASE)
SENTENCE_LICENSE = re.compile(
    r"\b(?:released|licensed|available|distributed)\s+under\s+the\s+"
    r"((?:MIT|Apache(?:[ -]License)?[ -]?2\.0|BSD[ -]?[23]-Clause|GPL-?[23](?:\.0)?"
    r"|CC[ -]BY(?:[ -](?:NC|SA|ND))*[ -][1-4]\.0|Creative Commons[\w -]{0,40}))",
    re.IGNORECASE)
LICENSE_FILE_LINK = re.compile(r"\]\((?:\./)?(LICEN[SC]E(?:\.\w+)?)\)|\bsee\s+(LICEN[SC]E)\b",
                               re.IGNORECASE)
_OPEN = frozenset({PERMISSIVE, COPYLEFT})
_WORDS = {"apache": "Apache-2.0", "apache 2.0": "Apache-2.0", "apache-2.0": "Apache-2.0",
          "apache license 2.0": "Apache-2.0", "apache license-2.0": "Apache-2.0",
          "bsd 3-clause": "BSD-3-Clause", "bsd-3-clause": "BSD-3-Clause",
          "bsd 2-clause": "BSD-2-Clause", "gpl-3.0": "GPL-3.0", "gpl 3.0": "GPL-3.0",
          "gplv3": "GPL-3.0", "gpl-2.0": "GPL-2.0", "mit": "MIT"}


@dataclass
class ArtefactLicenses:
    """The code's, the weights' and the data's licenses, and the conflicts among them."""

    code: str | None = None
    weights: str | None = None
    data: str | None = None
    conflicts: list[str] = field(default_factory=list)


def spdx_of(link: LinkFacts) -> str | None:
    """A link's license as SPDX (or LicenseRef), from whichever fact its service stores."""
    return license_of_facts(link.facts)


def license_of_facts(facts: Mapping[str, Any]) -> str | None:
    """The license an observation's facts state, as an SPDX id or expression, a named
    `LicenseRef-...`, or GitHub's NOASSERTION (a license file nobody identified); None when
    no license is stated. Reads GitHub's `license_spdx`, else the Hub's or OSF's `license`."""
    raw = facts.get("license_spdx") if "license_spdx" in facts else facts.get("license")
    return spdx_license(raw if isinstance(raw, str) else None)


def spdx_license(raw: str | None) -> str | None:
    """Any service's license value as SPDX: OSF's names by their SPDX ids, the rest through
    `canonical_license` (a Hub id like `openrail` becomes `LicenseRef-openrail`)."""
    if raw is None:
        return None
    named = OSF_LICENSE_NAMES.get(raw.strip().lower())
    if named is not None:
        return named or None
    return canonical_license(raw)


def _release_license(paper: PaperFacts, role: str) -> str | None:
    search = find_releases(paper, role)  # type: ignore[arg-type]
    licenses = [spdx_of(release.link) for release in search.releases]
    found = [name for name in dict.fromkeys(licenses) if name]
    return " AND ".join(found) if len(found) > 1 else (found[0] if found else None)


def _named_in_readme(text: str) -> str | None:
    match = BADGE_LICENSE.search(text)
    if match:
        raw = match.group(1).replace("%20", " ").replace("_", " ").replace("--", "-")
    else:
        match = SENTENCE_LICENSE.search(text)
        if not match:
            return None
        raw = match.group(1)
    key = raw.strip().lower()
    return _WORDS.get(key) or canonical_license(raw.strip())


def artefact_licenses(paper: PaperFacts) -> ArtefactLicenses:
    """The licenses of the paper's released code, weights and data, and their conflicts."""
    result = ArtefactLicenses()
    repo = best_code_repo(paper)
    reachable = repo is not None and repo.status in REACHABLE
    if reachable:
        assert repo is not None
        result.code = canonical_license(repo.facts.get("license_spdx"))
    result.weights = _release_license(paper, "weights")
    result.data = _release_license(paper, "data")
    code_class = license_class(result.code)
    for what, license_id in (("weights", result.weights), ("data", result.data)):
        if result.code and code_class in _OPEN and license_id \
                and license_class(license_id) == NON_COMMERCIAL:
            result.conflicts.append(f"open code ({result.code}) but non-commercial {what} "
                                    f"({license_id})")
    if reachable:
        assert repo is not None
        result.conflicts += _readme_conflicts(repo, result.code)
    return result


def _readme_conflicts(repo: LinkFacts, code: str | None) -> list[str]:
    text = readme_text(repo)
    if not text:
        return []
    conflicts = []
    named = _named_in_readme(text)
    if named and code and code != "NOASSERTION" and \
            normalise_license_id(named) != normalise_license_id(code):
        conflicts.append(f"{repo.url}: the README names {named}, the LICENSE file is {code}")
    cited = LICENSE_FILE_LINK.search(text)
    entries = file_entries(repo)
    if cited and entries is not None and listing_gap(repo) is None:
        has_file = any(re.fullmatch(r"(licen[sc]e|copying)(\.\w+)?", e["path"], re.IGNORECASE)
                       for e in entries)
        if not has_file:
            name = cited.group(1) or cited.group(2)
            conflicts.append(f"{repo.url}: the README cites {name}, which the repository "
                             "does not have")
    return conflicts
