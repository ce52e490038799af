"""The seed's GitHub repositories, modelled in the fake GitHub for request-count measurements."""

from __future__ import annotations

from fakes.github import FakeGitHub

SEED_REPOSITORIES = (
    "EIT-NLP/LLaSO", "VisionXLab/Earth-Adapter", "zanchangtong/CSR4mBART", "psunlpgroup/FoVer",
    "HaitaoWuTJU/Uncertainty-aware-Blur-Prior", "owenzx/data4comp", "rioyokotalab/optimal-sparsity",
    "swarnaHub/ExplanationHardness", "NeverMoreLCH/MSCG", "FreedomIntelligence/Med-MAT",
    "shlomenu/symbolically_synthesized_networks",
)
"""The 11 GitHub repositories of the seed Daily Papers page (/work/shared/seed)."""


WITH_RELEASES = ("EIT-NLP/LLaSO", "FreedomIntelligence/Med-MAT")


def add_seed_repositories(fake: FakeGitHub, with_releases: tuple[str, ...] = WITH_RELEASES) -> None:
    """Model the seed repositories: typical research code, two of them with tagged releases.

    Their contents are synthetic (the machines that run the tests have no internet); what
    matters for request counts is the shape: a README, a tree, and tags only where released.
    """
    for index, full_name in enumerate(SEED_REPOSITORIES):
        owner, name = full_name.split("/")
        releases = []
        if full_name in with_releases:
            weights = {"name": "model.safetensors", "size": 123456, "download_count": 7}
            published = "2025-05-01T00:00:00Z"
            releases = [{"tag": "v1.0", "published_at": published, "assets": [weights]}]
        fake.add_repo(
            owner, name, stars=10 * index, license_spdx="MIT" if index % 3 else None,
            license_name="MIT License" if index % 3 else None, releases=releases,
            tree={
                "requirements.txt": 120, "train.py": 4000, "eval/evaluate.py": 2500,
                "configs/base.yaml": 300,
            },
            readme=(
                f"# {name}\n\n## Installation\n\npip install -r requirements.txt\n\n"
                "## Results\n\n| model | accuracy |\n|---|---|\n| ours | 91.2 |\n"
            ),
        )
