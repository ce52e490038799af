"""Each artefact's license (code, weights, data) as SPDX, and the conflicts between them."""

from __future__ import annotations

from checks.artefact_licenses import artefact_licenses
from checks.base import LinkFacts
from paper_examples import dataset_files, github, hub, model_files, paper

BADGE_MIT = ("# Method\n\n[![License: MIT](https://img.shields.io/badge/License-MIT-yellow.svg)]"
             "(LICENSE)\n\n## Install\n\npip install -e .\n")


def test_the_weights_and_data_licenses_come_from_their_cards_as_spdx() -> None:
    licenses = artefact_licenses(paper(
        github(license_spdx="MIT"),
        hub("lab/m", files=model_files(), license="openrail"),
        hub("lab/d", "hf_dataset", files=dataset_files(), license="cc-by-4.0"),
    ))
    assert (licenses.code, licenses.weights, licenses.data) == (
        "MIT", "LicenseRef-openrail", "CC-BY-4.0")


def test_osf_license_names_are_read_as_spdx_ids() -> None:
    node = LinkFacts(url="https://osf.io/abcde", kind="osf_node", status="ok",
                     facts={"license": "CC0 1.0 Universal", "public": True,
                            "file_names": [{"path": "/data/x.csv", "size": 9}]})
    assert artefact_licenses(paper(node)).data == "CC0-1.0"


def test_open_code_with_non_commercial_weights_is_a_conflict() -> None:
    licenses = artefact_licenses(paper(
        github(license_spdx="Apache-2.0"),
        hub("lab/m", files=model_files(), license="cc-by-nc-4.0")))
    assert licenses.conflicts == [
        "open code (Apache-2.0) but non-commercial weights (CC-BY-NC-4.0)"]


def test_a_badge_that_names_another_license_than_the_license_file_is_a_conflict() -> None:
    repo = github(license_spdx="Apache-2.0", readme=BADGE_MIT,
                  paths=("README.md", "LICENSE", "setup.py", "train.py"))
    [conflict] = artefact_licenses(paper(repo)).conflicts
    assert "the README names MIT, the LICENSE file is Apache-2.0" in conflict


def test_a_readme_that_cites_a_license_file_the_repository_lacks_is_a_conflict() -> None:
    repo = github(license_spdx=None, readme=BADGE_MIT, paths=("README.md", "train.py"))
    [conflict] = artefact_licenses(paper(repo)).conflicts
    assert "cites LICENSE, which the repository does not have" in conflict


def test_agreeing_licenses_are_no_conflict() -> None:
    repo = github(license_spdx="MIT", readme=BADGE_MIT,
                  paths=("README.md", "LICENSE", "train.py"))
    assert artefact_licenses(paper(repo, hub("lab/m", files=model_files(),
                                             license="mit"))).conflicts == []
