"""Classify license identifiers (GitHub SPDX ids, Hugging Face card ids) into rubric classes.

Inputs are the identifiers the sources store as facts: GitHub's ``license.spdx_id`` ("MIT",
"Apache-2.0", "GPL-3.0", "NOASSERTION" or None) and the Hugging Face card's ``license`` value
("apache-2.0", "cc-by-nc-4.0", "openrail", "llama3.1", "other", "unknown" ...). Matching is
case-insensitive; "-only"/"-or-later" suffixes and a trailing "+" on (L)GPL ids are accepted.

Five classes (the values of :data:`LICENSE_CLASSES`):

- ``permissive``: MIT, BSD, Apache, ISC, ... and open *data* licences that only ask for
  attribution (CC-BY-*, CC0, ODC-By, PDDL, CDLA-Permissive);
- ``copyleft``: GPL, AGPL, LGPL, MPL, EPL, EUPL, ... and share-alike data licences
  (CC-BY-SA-*, ODbL, CDLA-Sharing);
- ``non_commercial``: non-commercial or research-only terms (CC-BY-NC-*, DeepFloyd IF,
  FAIR non-commercial research, Apple AMLR, ...);
- ``custom``: a bespoke licence, one with use-based restrictions, or one nobody identified:
  "other", GitHub's "NOASSERTION" (GitHub saw a licence file it could not match), any
  identifier not in the tables, the Llama community licences and Gemma terms (commercial use
  is allowed, but under a user cap and an acceptable-use policy), the OpenRAIL family
  (behavioural-use restrictions) and CC-BY-ND (no derivatives: not open, yet not
  non-commercial);
- ``none``: no licence stated: None, "", "none", and Hugging Face's "unknown" (the uploader
  did not say).

Rubric credit (:func:`license_credit`): an OSI-approved licence, an open data licence, or any
other well-known free licence (permissive/copyleft class, e.g. WTFPL) earns 1.0; non-commercial,
research-only and custom earn 0.5; none earns 0.0.
"""

from __future__ import annotations

import functools
import re

from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

PERMISSIVE = "permissive"
COPYLEFT = "copyleft"
NON_COMMERCIAL = "non_commercial"
CUSTOM = "custom"
NONE = "none"
LICENSE_CLASSES: tuple[str, ...] = (PERMISSIVE, COPYLEFT, NON_COMMERCIAL, CUSTOM, NONE)

CREDIT_BY_CLASS: dict[str, float] = {
    PERMISSIVE: 1.0,
    COPYLEFT: 1.0,
    NON_COMMERCIAL: 0.5,
    CUSTOM: 0.5,
    NONE: 0.0,
}

# Identifiers meaning "nobody said": GitHub returns None, HF returns "unknown".
NO_LICENSE_IDS: frozenset[str] = frozenset({"", "none", "unknown", "unlicensed"})

# OSI-approved licences, lowercase SPDX ids without "-only"/"-or-later" (opensource.org/licenses).
OSI_APPROVED_IDS: frozenset[str] = frozenset({
    "0bsd", "aal", "afl-3.0", "agpl-3.0", "apache-1.1", "apache-2.0", "apsl-2.0",
    "artistic-2.0", "blueoak-1.0.0", "bsd-1-clause", "bsd-2-clause", "bsd-2-clause-patent",
    "bsd-3-clause", "bsl-1.0", "cal-1.0", "cddl-1.0", "cecill-2.1", "cnri-python", "cpal-1.0",
    "cpl-1.0", "ecl-1.0", "ecl-2.0", "efl-2.0", "epl-1.0", "epl-2.0", "eudatagrid", "eupl-1.1",
    "eupl-1.2", "fair", "gpl-2.0", "gpl-3.0", "hpnd", "intel", "ipa", "ipl-1.0", "isc",
    "lgpl-2.0", "lgpl-2.1", "lgpl-3.0", "liliq-p-1.1", "liliq-r-1.1", "liliq-rplus-1.1",
    "lpl-1.02", "lppl-1.3c", "miros", "mit", "mit-0", "motosoto", "mpl-1.0", "mpl-1.1",
    "mpl-2.0", "mpl-2.0-no-copyleft-exception", "ms-pl", "ms-rl", "mulanpsl-2.0", "multics",
    "nasa-1.3", "naumen", "ncsa", "ngpl", "nokia", "nposl-3.0", "ntp", "oclc-2.0", "ofl-1.1",
    "ogtsl", "oldap-2.8", "oset-pl-2.1", "osl-1.0", "osl-2.1", "osl-3.0", "php-3.0", "php-3.01",
    "postgresql", "python-2.0", "qpl-1.0", "rpl-1.1", "rpl-1.5", "rpsl-1.0", "rscpl",
    "simpl-2.0", "sissl", "sleepycat", "spl-1.0", "ucl-1.0", "unicode-dfs-2016", "unlicense",
    "upl-1.0", "vsl-1.0", "w3c", "watcom-1.0", "xnet", "zlib", "zpl-2.0", "zpl-2.1",
})

# Open data licences (Open Definition conformant): not software licences, so not OSI-approved,
# but what a dataset should carry. Non-commercial and no-derivatives CC variants are excluded.
OPEN_DATA_LICENSE_IDS: frozenset[str] = frozenset({
    "cc0-1.0", "cc-by-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-2.0", "cc-by-sa-2.5", "cc-by-sa-3.0", "cc-by-sa-4.0", "odc-by", "odc-by-1.0",
    "odbl", "odbl-1.0", "pddl", "pddl-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0",
    "cdla-sharing-1.0", "etalab-2.0", "ogl-uk-3.0", "dl-de-by-2.0", "dl-de-zero-2.0",
})

# Copyleft: derived works must keep the licence (strong, weak and share-alike data licences).
COPYLEFT_IDS: frozenset[str] = frozenset({
    "agpl-1.0", "agpl-3.0", "gpl", "gpl-1.0", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.0",
    "lgpl-2.1", "lgpl-3.0", "lgpl-lr", "mpl-1.0", "mpl-1.1", "mpl-2.0", "epl-1.0", "epl-2.0",
    "eupl-1.1", "eupl-1.2", "cddl-1.0", "cddl-1.1", "osl-1.0", "osl-2.1", "osl-3.0", "ms-rl",
    "cecill-2.1", "cpl-1.0", "gfdl", "gfdl-1.3", "sleepycat", "rpl-1.5", "qpl-1.0",
    "cc-by-sa-2.0", "cc-by-sa-2.5", "cc-by-sa-3.0", "cc-by-sa-4.0", "odbl", "odbl-1.0",
    "cdla-sharing-1.0", "nposl-3.0", "sspl-1.0",
})

# Permissive but not OSI-approved and not open-data: still a free licence everybody knows.
OTHER_PERMISSIVE_IDS: frozenset[str] = frozenset({
    "bsd", "bsd-3-clause-clear", "bsd-4-clause", "wtfpl", "x11", "apple-ascl", "openmdw-1.0",
    "cc-pddc", "mit-cmu", "json",
})

# Non-commercial or research-only terms.
NON_COMMERCIAL_IDS: frozenset[str] = frozenset({
    "cc-by-nc-1.0", "cc-by-nc-2.0", "cc-by-nc-2.5", "cc-by-nc-3.0", "cc-by-nc-4.0",
    "cc-by-nc-nd-2.0", "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0",
    "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0", "deepfloyd-if-license",
    "fair-noncommercial-research-license", "apple-amlr", "h-research", "intel-research",
    "llama", "llama1", "polyform-noncommercial-1.0.0", "cc-by-nc",
})

# Custom terms with use restrictions (commercial use allowed under conditions), listed so the
# choice is visible: anything unknown lands in `custom` anyway.
RESTRICTED_CUSTOM_IDS: frozenset[str] = frozenset({
    "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma",
    "openrail", "openrail++", "creativeml-openrail-m", "bigscience-openrail-m",
    "bigscience-bloom-rail-1.0", "bigcode-openrail-m", "c-uda", "cc", "cc-by-nd-4.0",
    "cc-by-nd-3.0", "other", "noassertion",
})

# Words that reveal non-commercial terms in an identifier the tables do not know.
_NON_COMMERCIAL_WORDS = re.compile(r"non-?commercial|research[-_ ]?only|\bnc\b|-nc-")
_VERSION_SUFFIX = re.compile(r"-(only|or-later)$")


def normalise_license_id(identifier: str | None) -> str:
    """Lowercase and strip an identifier; drop SPDX "-only"/"-or-later" and GPL's "+"."""
    if identifier is None:
        return ""
    normalised = identifier.strip().lower()
    normalised = _VERSION_SUFFIX.sub("", normalised)
    if normalised.endswith("+") and "gpl" in normalised:
        normalised = normalised.rstrip("+")
    return normalised


# Ranking used to combine the parts of an SPDX expression: OR lets the user pick the most
# open alternative, AND binds them to the most restrictive part.
_OPENNESS = (NONE, NON_COMMERCIAL, CUSTOM, COPYLEFT, PERMISSIVE)
_EXPRESSION_WORDS = re.compile(r"\s(OR|AND|WITH)\s|[()]", re.IGNORECASE)
_LICENSING = Licensing()


def _is_expression(identifier: str) -> bool:
    return bool(_EXPRESSION_WORDS.search(identifier))


@functools.lru_cache(maxsize=1024)
def _expression_class(expression: str) -> str | None:
    """The class of an SPDX expression (OR: the most open part, AND: the most restrictive;
    ``X WITH exception``: X's class), or None when it does not parse."""
    try:
        parsed = _LICENSING.parse(expression)
    except ExpressionError:
        return None

    def walk(node: object) -> str:
        if isinstance(node, LicenseWithExceptionSymbol):
            return _symbol_class(node.license_symbol.key)
        if isinstance(node, LicenseSymbol):
            return _symbol_class(node.key)
        parts = [walk(arg) for arg in getattr(node, "args", ())]
        if not parts:
            return CUSTOM
        if isinstance(node, OR):
            return max(parts, key=_OPENNESS.index)
        if isinstance(node, AND):
            return min(parts, key=_OPENNESS.index)
        return CUSTOM

    return walk(parsed)


def license_class(identifier: str | None) -> str:
    """Return the rubric class of a licence identifier or SPDX expression (``Apache-2.0 OR
    MIT``, ``GPL-2.0-only WITH Classpath-exception-2.0``): one of :data:`LICENSE_CLASSES`."""
    if identifier and _is_expression(identifier.strip()):
        found = _expression_class(identifier.strip())
        if found is not None:
            return found
    return _symbol_class(identifier)


def _symbol_class(identifier: str | None) -> str:
    normalised = normalise_license_id(identifier)
    if normalised in NO_LICENSE_IDS:
        return NONE
    if normalised in NON_COMMERCIAL_IDS:
        return NON_COMMERCIAL
    if normalised in RESTRICTED_CUSTOM_IDS:
        return CUSTOM
    if normalised in COPYLEFT_IDS:
        return COPYLEFT
    if (
        normalised in OSI_APPROVED_IDS
        or normalised in OPEN_DATA_LICENSE_IDS
        or normalised in OTHER_PERMISSIVE_IDS
    ):
        return PERMISSIVE
    if _NON_COMMERCIAL_WORDS.search(normalised):
        return NON_COMMERCIAL
    return CUSTOM


def is_osi_approved(identifier: str | None) -> bool:
    """True when the identifier names an OSI-approved licence (SPDX or HF lowercase id)."""
    return normalise_license_id(identifier) in OSI_APPROVED_IDS


def is_open_data_license(identifier: str | None) -> bool:
    """True when the identifier names an open data licence (CC-BY(-SA), CC0, ODC, PDDL, CDLA)."""
    return normalise_license_id(identifier) in OPEN_DATA_LICENSE_IDS


def license_credit(identifier: str | None) -> float:
    """Return the rubric's licence credit: 1.0 open, 0.5 non-commercial/custom, 0.0 none."""
    if is_osi_approved(identifier) or is_open_data_license(identifier):
        return 1.0
    return CREDIT_BY_CLASS[license_class(identifier)]


def canonical_license(identifier: str | None) -> str | None:
    """An SPDX id or expression in SPDX's own spelling (``apache-2.0`` -> ``Apache-2.0``,
    ``mit or apache-2.0`` -> ``MIT OR Apache-2.0``); others as a named ``LicenseRef-``."""
    if identifier is None or normalise_license_id(identifier) in NO_LICENSE_IDS:
        return None
    text = identifier.strip()
    if text.upper() == "NOASSERTION":
        return "NOASSERTION"
    spdx = _spdx_keys()
    try:
        parsed = _LICENSING.parse(text)
    except ExpressionError:
        parsed = None
    if parsed is not None:
        rendered = _render(parsed, spdx)
        if rendered is not None:
            return rendered
    return _license_ref(text)


def _license_ref(name: str) -> str:
    """`name` as a named LicenseRef (one already named so is kept: canonical is idempotent)."""
    if name.lower().startswith("licenseref-"):
        name = name[len("licenseref-"):]
    return "LicenseRef-" + re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-")


def _render(node: object, spdx: dict[str, str]) -> str | None:
    if isinstance(node, LicenseWithExceptionSymbol):
        name = _render(node.license_symbol, spdx)
        return f"{name} WITH {node.exception_symbol.key}" if name else None
    if isinstance(node, LicenseSymbol):
        key = node.key
        known = spdx.get(key.lower())
        return known if known else _license_ref(key)
    parts = [_render(arg, spdx) for arg in getattr(node, "args", ())]
    if not parts or any(p is None for p in parts):
        return None
    word = " OR " if isinstance(node, OR) else " AND "
    return word.join(f"({p})" if (" OR " in p or " AND " in p) else p  # type: ignore[operator]
                     for p in parts)  # type: ignore[misc]


@functools.lru_cache(maxsize=1)
def _spdx_keys() -> dict[str, str]:
    """Lowercase SPDX id -> SPDX's spelling, from license-expression's bundled SPDX list."""
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    keys: dict[str, str] = {}
    for symbol in licensing.known_symbols.values():
        keys[symbol.key.lower()] = symbol.key
        for alias in getattr(symbol, "aliases", ()) or ():
            keys.setdefault(str(alias).lower(), symbol.key)
    return keys
