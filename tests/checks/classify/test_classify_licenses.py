"""Examples for checks.classify.licenses: GitHub and Hugging Face licence ids in rubric classes."""

from __future__ import annotations

import pytest

from checks.classify.licenses import (
    COPYLEFT,
    CUSTOM,
    LICENSE_CLASSES,
    NON_COMMERCIAL,
    NONE,
    OSI_APPROVED_IDS,
    PERMISSIVE,
    is_open_data_license,
    is_osi_approved,
    license_class,
    license_credit,
)


@pytest.mark.parametrize("identifier, expected", [
    # GitHub SPDX ids
    ("MIT", PERMISSIVE), ("Apache-2.0", PERMISSIVE), ("BSD-3-Clause", PERMISSIVE),
    ("GPL-3.0", COPYLEFT), ("AGPL-3.0", COPYLEFT), ("LGPL-2.1", COPYLEFT), ("MPL-2.0", COPYLEFT),
    ("GPL-2.0-or-later", COPYLEFT), ("GPL-2.0+", COPYLEFT), ("Unlicense", PERMISSIVE),
    ("CC-BY-4.0", PERMISSIVE), ("CC0-1.0", PERMISSIVE), ("CC-BY-SA-4.0", COPYLEFT),
    ("CC-BY-NC-4.0", NON_COMMERCIAL), ("NOASSERTION", CUSTOM), (None, NONE), ("", NONE),
    # Hugging Face card ids
    ("apache-2.0", PERMISSIVE), ("mit", PERMISSIVE), ("cc-by-4.0", PERMISSIVE),
    ("cc-by-nc-4.0", NON_COMMERCIAL), ("cc-by-nc-sa-4.0", NON_COMMERCIAL),
    ("cc-by-nc-nd-4.0", NON_COMMERCIAL), ("openrail", CUSTOM), ("openrail++", CUSTOM),
    ("creativeml-openrail-m", CUSTOM), ("bigscience-openrail-m", CUSTOM), ("llama2", CUSTOM),
    ("llama3", CUSTOM), ("llama3.1", CUSTOM), ("gemma", CUSTOM), ("other", CUSTOM),
    ("unknown", NONE), ("cc0-1.0", PERMISSIVE), ("odc-by", PERMISSIVE), ("pddl", PERMISSIVE),
    ("afl-3.0", PERMISSIVE), ("bsd-3-clause", PERMISSIVE), ("gpl-3.0", COPYLEFT),
    ("agpl-3.0", COPYLEFT), ("lgpl-3.0", COPYLEFT), ("mpl-2.0", COPYLEFT),
    ("unlicense", PERMISSIVE), ("wtfpl", PERMISSIVE), ("cc-by-nd-4.0", CUSTOM),
    ("deepfloyd-if-license", NON_COMMERCIAL), ("odbl", COPYLEFT),
    # identifiers nobody listed
    ("my-lab-research-only-license", NON_COMMERCIAL), ("acme-model-license", CUSTOM),
    ("  mit  ", PERMISSIVE),
])
def test_license_class(identifier: str | None, expected: str) -> None:
    assert license_class(identifier) == expected
    assert expected in LICENSE_CLASSES


@pytest.mark.parametrize("identifier", [
    "MIT", "mit", "Apache-2.0", "apache-2.0", "BSD-2-Clause", "bsd-3-clause", "ISC", "MPL-2.0",
    "LGPL-2.1-only", "LGPL-3.0-or-later", "GPL-2.0", "gpl-3.0", "GPL-3.0-only", "AGPL-3.0",
    "EPL-2.0", "Zlib", "BSL-1.0", "Unlicense", "0BSD", "Artistic-2.0", "EUPL-1.2", "CDDL-1.0",
    "MS-PL", "MulanPSL-2.0", "UPL-1.0", "OSL-3.0", "afl-3.0", "ECL-2.0", "NCSA", "PostgreSQL",
])
def test_osi_approved(identifier: str) -> None:
    assert is_osi_approved(identifier) is True
    assert license_credit(identifier) == 1.0


@pytest.mark.parametrize("identifier", [
    "cc-by-4.0", "CC0-1.0", "odc-by", "pddl", "cdla-permissive-2.0", "wtfpl", "NOASSERTION",
    "openrail", "llama3", "cc-by-nc-4.0", None, "", "other",
])
def test_not_osi_approved(identifier: str | None) -> None:
    assert is_osi_approved(identifier) is False


def test_osi_table_is_large_and_lowercase() -> None:
    assert len(OSI_APPROVED_IDS) >= 60
    assert all(identifier == identifier.lower() for identifier in OSI_APPROVED_IDS)


@pytest.mark.parametrize("identifier, expected", [
    ("cc-by-4.0", True), ("CC-BY-SA-4.0", True), ("cc0-1.0", True), ("odc-by", True),
    ("pddl", True), ("odbl", True), ("cdla-permissive-2.0", True), ("cc-by-nc-4.0", False),
    ("cc-by-nd-4.0", False), ("MIT", False), (None, False),
])
def test_open_data_license(identifier: str | None, expected: bool) -> None:
    assert is_open_data_license(identifier) is expected


@pytest.mark.parametrize("identifier, credit", [
    ("MIT", 1.0), ("GPL-3.0", 1.0), ("cc-by-4.0", 1.0), ("cc0-1.0", 1.0), ("wtfpl", 1.0),
    ("cc-by-nc-4.0", 0.5), ("llama3.1", 0.5), ("openrail", 0.5), ("other", 0.5),
    ("NOASSERTION", 0.5), ("something-custom", 0.5),
    (None, 0.0), ("", 0.0), ("unknown", 0.0),
])
def test_license_credit(identifier: str | None, credit: float) -> None:
    assert license_credit(identifier) == credit


# ---- SPDX expressions (license-expression) ------------------------------------------------

import pytest  # noqa: E402

from checks.classify.licenses import canonical_license, license_class, license_credit  # noqa: E402


@pytest.mark.parametrize(("expression", "expected_class", "credit"), [
    ("Apache-2.0 OR MIT", "permissive", 1.0),  # the user may pick either: the most open
    ("MIT AND CC-BY-NC-4.0", "non_commercial", 0.5),  # both bind: the most restrictive
    ("GPL-2.0-only WITH Classpath-exception-2.0", "copyleft", 1.0),
    ("(CC-BY-NC-4.0 OR MIT) AND GPL-3.0", "copyleft", 1.0),
    ("MIT OR", "custom", 0.5),  # not an expression: an unknown identifier
])
def test_spdx_expressions_are_classified_by_their_parts(
    expression: str, expected_class: str, credit: float
) -> None:
    assert license_class(expression) == expected_class
    assert license_credit(expression) == credit


@pytest.mark.parametrize(("raw", "canonical"), [
    ("apache-2.0", "Apache-2.0"), ("mit or apache-2.0", "MIT OR Apache-2.0"),
    ("openrail", "LicenseRef-openrail"), ("llama3.1", "LicenseRef-llama3.1"),
    ("unknown", None), (None, None), ("NOASSERTION", "NOASSERTION"),
])
def test_licenses_are_written_as_spdx_or_named_license_refs(raw: str | None,
                                                            canonical: str | None) -> None:
    assert canonical_license(raw) == canonical
