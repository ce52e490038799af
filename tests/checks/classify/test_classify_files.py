"""Examples for checks.classify.files: realistic ML repository trees sorted into roles."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.classify.files import FileInventory, classify_assets, classify_paths

MB = 1024 * 1024


def tree(*paths: str, size: int = 2048) -> list[dict[str, object]]:
    """A GitHub-style tree listing with one size for every file."""
    return [{"path": path, "size": size} for path in paths]


FULL_RELEASE = tree(
    "README.md", "LICENSE", "CITATION.cff", ".gitignore", "requirements.txt",
    "requirements/dev.txt", "environment.yml", "docker/Dockerfile.gpu",
    "train.py", "eval.py", "inference.py", "test.py",
    "configs/train/resnet50.yaml", "configs/eval/resnet50.yaml",
    "scripts/train.sh", "scripts/eval_imagenet.sh", "scripts/test.sh",
    "models/__init__.py", "models/resnet.py", "utils/metrics.py", "utils/trainer.py",
    "notebooks/demo.ipynb", "assets/teaser.png",
)

COMING_SOON = tree("README.md", "LICENSE", "assets/teaser.png", ".gitignore")

PROJECT_PAGE_ONLY = tree(
    "README.md", "index.html", "static/js/bulma-carousel.min.js", "static/js/index.js",
    "static/css/index.css", "static/images/teaser.jpg",
)

HF_MODEL_REPO = [
    {"path": ".gitattributes", "size": 1519},
    {"path": "README.md", "size": 5200},
    {"path": "config.json", "size": 650},
    {"path": "generation_config.json", "size": 120},
    {"path": "model-00001-of-00002.safetensors", "size": 4_976_698_672},
    {"path": "model-00002-of-00002.safetensors", "size": 2_669_528_752},
    {"path": "model.safetensors.index.json", "size": 23_950},
    {"path": "special_tokens_map.json", "size": 414},
    {"path": "tokenizer.json", "size": 1_795_188},
    {"path": "tokenizer.model", "size": 493_443},
    {"path": "tokenizer_config.json", "size": 1_618},
    {"path": "training_args.bin", "size": 5_112},
]

HF_DATASET_REPO = [
    {"path": ".gitattributes", "size": 2300},
    {"path": "README.md", "size": 4100},
    {"path": "data/train-00000-of-00001.parquet", "size": 52_000_000},
    {"path": "data/test-00000-of-00001.parquet", "size": 6_100_000},
]

LIBRARY_WITH_UNIT_TESTS = tree(
    "README.md", "LICENSE", "pyproject.toml", "src/pkg/__init__.py", "src/pkg/core.py",
    "src/pkg/constraint.py", "tests/test_train_utils.py", "tests/test_eval_helpers.py",
    "tests/conftest.py", "test_train.py", "docs/conf.py", "docs/index.md",
)


def test_full_release_finds_every_role() -> None:
    inventory = classify_paths(FULL_RELEASE)
    assert inventory.dependency_specs == (
        "requirements.txt", "requirements/dev.txt", "environment.yml", "docker/Dockerfile.gpu")
    assert inventory.dockerfiles == ("docker/Dockerfile.gpu",)
    assert inventory.training_code == ("train.py", "scripts/train.sh", "utils/trainer.py")
    assert inventory.evaluation_code == (
        "eval.py", "test.py", "scripts/eval_imagenet.sh", "scripts/test.sh", "utils/metrics.py")
    assert inventory.inference_code == ("inference.py", "notebooks/demo.ipynb")
    assert classify_paths(["sample.py"]).inference_code == ("sample.py",)
    assert inventory.notebooks == ("notebooks/demo.ipynb",)
    assert inventory.citation == ("CITATION.cff",)
    assert inventory.license_files == ("LICENSE",)
    assert inventory.readme == ("README.md",)
    assert inventory.weight_files == () and inventory.data_files == ()
    assert inventory.total_files == len(FULL_RELEASE)
    assert inventory.code_files == 12
    assert inventory.is_placeholder is False


def test_configs_alone_are_not_training_code() -> None:
    inventory = classify_paths(["configs/train/vit.yaml", "configs/finetune.yaml", "README.md"])
    assert inventory.training_code == ()


def test_coming_soon_repository_is_a_placeholder() -> None:
    inventory = classify_paths(COMING_SOON)
    assert inventory.is_placeholder is True
    assert inventory.code_files == 0
    assert inventory.data_files == ()  # a teaser image outside data/ is not data
    assert inventory.license_files == ("LICENSE",)


def test_project_page_with_javascript_is_still_a_placeholder() -> None:
    inventory = classify_paths(PROJECT_PAGE_ONLY)
    assert inventory.code_files == 1  # the minified bundle is not counted as code
    assert inventory.is_placeholder is True


def test_empty_tree_is_a_placeholder() -> None:
    assert classify_paths([]).is_placeholder is True
    assert classify_paths([]).total_files == 0


def test_hugging_face_model_repository() -> None:
    inventory = classify_paths(HF_MODEL_REPO)
    assert inventory.weight_files == (
        "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")
    assert inventory.weight_bytes == 4_976_698_672 + 2_669_528_752
    assert inventory.data_files == ()  # config, tokenizer and index JSON are not data
    assert inventory.lfs_pointer_candidates == ()
    assert inventory.is_placeholder is False  # weights, no code: a model repo, not a placeholder


def test_hugging_face_dataset_repository() -> None:
    inventory = classify_paths(HF_DATASET_REPO, repo_type="dataset")
    assert inventory.data_files == (
        "data/train-00000-of-00001.parquet", "data/test-00000-of-00001.parquet")
    assert inventory.data_bytes == 58_100_000
    assert inventory.training_code == () and inventory.weight_files == ()
    assert inventory.is_placeholder is False


def test_dataset_repository_reads_root_archives_and_text_as_data() -> None:
    files = tree("README.md", "images.zip", "train.txt", "labels.json")
    assert classify_paths(files).data_files == ("labels.json",)
    assert classify_paths(files, repo_type="dataset").data_files == (
        "images.zip", "train.txt", "labels.json")


def test_unit_tests_are_neither_training_nor_evaluation() -> None:
    inventory = classify_paths(LIBRARY_WITH_UNIT_TESTS)
    assert inventory.training_code == ()
    assert inventory.evaluation_code == ()
    assert inventory.dependency_specs == ("pyproject.toml",)
    assert inventory.is_placeholder is False


@pytest.mark.parametrize("path", [
    "constraint.py", "src/restraint.py", "train_test_split.py", "utils/make_train_data.py",
    "tests/test_train.py", "test_train.py", "strain_gauge.py", "data/train/images.py",
    "configs/train.yaml", "pretrained.py",
])
def test_names_that_only_look_like_training(path: str) -> None:
    assert classify_paths([path]).training_code == ()


@pytest.mark.parametrize("path", [
    "train.py", "trainer.py", "train_net.py", "tools/train.py", "finetune_lora.py",
    "fine_tune.py", "fine-tuning.sh", "pretrain.py", "src/pkg/training/loop.py",
    "scripts/run_train.sh", "train.ipynb", "trainGAN.py", "mnist_train.py", "sft.py",
])
def test_training_code(path: str) -> None:
    assert classify_paths([path]).training_code == (path,)


@pytest.mark.parametrize("path", [
    "eval.py", "evaluate.py", "coco_eval.py", "benchmark.py", "metrics.py", "validate.py",
    "test.py", "test.sh", "val.py", "scripts/test.sh", "tools/test_net.py",
    "eval/compute_scores.py", "scripts/eval_all.sh", "tools/dist_test.sh", "run_test.sh",
])
def test_evaluation_code(path: str) -> None:
    assert classify_paths([path]).evaluation_code == (path,)


@pytest.mark.parametrize("path", [
    "tests/test_eval.py", "test_model.py", "src/pkg/test.py", "inference.py", "predict.py",
    "tests/eval/test_metrics.py", "results/eval.csv", "train_test_split.py", "latest.py",
])
def test_not_evaluation_code(path: str) -> None:
    assert classify_paths([path]).evaluation_code == ()


@pytest.mark.parametrize("path", [
    "requirements.txt", "requirements-dev.txt", "dev-requirements.txt", "requirements/base.txt",
    "environment.yaml", "environment_cuda11.yml", "conda.yaml", "pyproject.toml", "setup.py",
    "setup.cfg", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "Dockerfile",
    "docker/Dockerfile.gpu", "docker-compose.yml", "renv.lock", "DESCRIPTION", "Project.toml",
    "Cargo.toml", "go.mod", "containers/env.def", "Singularity",
])
def test_dependency_specs(path: str) -> None:
    assert classify_paths([path]).dependency_specs == (path,)


def test_ecosystem_build_files_count_only_for_their_ecosystem() -> None:
    python_repo = ["train.py", "model.py", "website/package.json", "website/app.js"]
    js_repo = ["package.json", "src/index.ts", "src/model.ts", "scripts/build.py"]
    cuda_extension = ["setup.py", "model.py", "train.py", "csrc/CMakeLists.txt", "csrc/op.cu"]
    cpp_project = ["CMakeLists.txt", "src/main.cpp", "src/solver.cpp", "include/solver.h"]
    assert classify_paths(python_repo).dependency_specs == ()
    assert classify_paths(js_repo).dependency_specs == ("package.json",)
    assert classify_paths(cuda_extension).dependency_specs == ("setup.py",)
    assert classify_paths(cpp_project).dependency_specs == ("CMakeLists.txt",)


def test_docs_build_requirements_are_not_the_environment() -> None:
    assert classify_paths(["docs/requirements.txt", "docs/conf.py"]).dependency_specs == ()


def test_module_definition_file_is_not_a_container_recipe() -> None:
    assert classify_paths(["src/exports.def"]).dependency_specs == ()


def test_ci_scripts_are_not_evaluation() -> None:
    assert classify_paths([".github/scripts/test.sh"]).evaluation_code == ()


def test_vendored_code_says_nothing_about_this_repository() -> None:
    inventory = classify_paths(["third_party/apex/setup.py", "third_party/apex/train.py"])
    assert inventory.dependency_specs == () and inventory.training_code == ()
    assert inventory.code_files == 2


@pytest.mark.parametrize("entry", [
    {"path": "pytorch_model.bin", "size": 400 * MB},
    {"path": "checkpoints/epoch_100.bin", "size": 3 * MB},
    {"path": "model.ckpt-5000.data-00000-of-00001", "size": 80 * MB},
    {"path": "model_best.pth.tar", "size": 98 * MB},
    {"path": "tf_model.h5", "size": 500 * MB},
    {"path": "flax_model.msgpack", "size": 500 * MB},
    {"path": "export/saved_model.pb", "size": 9 * MB},
    {"path": "rf_classifier.joblib", "size": 2 * MB},
    {"path": "ggml-model-q4_0.gguf", "size": 4000 * MB},
    {"path": "release/unnamed.bin", "size": 200 * MB},
    {"path": "onnx/encoder.onnx", "size": 90 * MB},
])
def test_weight_files(entry: dict[str, object]) -> None:
    assert classify_paths([entry]).weight_files == (entry["path"],)


@pytest.mark.parametrize("entry", [
    {"path": "training_args.bin", "size": 5000},
    {"path": "vocab.bin", "size": 200_000},
    {"path": "proto/message.pb", "size": 4000},
    {"path": "results.pkl", "size": 9000},
    {"path": "data/openwebtext/train.bin", "size": 9000 * MB},
    {"path": "rng_state.pth", "size": 14_000},
])
def test_not_weight_files(entry: dict[str, object]) -> None:
    assert classify_paths([entry]).weight_files == ()


def test_lfs_pointers_are_flagged_and_not_counted_as_bytes() -> None:
    files = [
        {"path": "checkpoints/model_final.pth", "size": 134},
        {"path": "checkpoints/model_ema.pth", "size": 350 * MB},
        {"path": "data/features.npy", "size": 131},
        {"path": "data/labels.csv", "size": 120},
    ]
    inventory = classify_paths(files)
    assert inventory.weight_files == ("checkpoints/model_final.pth", "checkpoints/model_ema.pth")
    assert inventory.lfs_pointer_candidates == ("checkpoints/model_final.pth", "data/features.npy")
    assert inventory.weight_bytes == 350 * MB
    assert inventory.data_files == ("data/features.npy", "data/labels.csv")
    assert inventory.data_bytes == 120  # a tiny CSV is just a tiny CSV


@pytest.mark.parametrize("path", [
    "data/train.csv", "results/table.tsv", "corpus.jsonl", "data/images/0001.png",
    "dataset/audio/clip.wav", "data/raw/train.tar.gz", "data/splits/train.txt",
    "features.npz", "embeddings.h5", "annotations/train.json", "qa_dev.json",
    "data-bin/wmt14/train.bin",
])
def test_data_files(path: str) -> None:
    assert classify_paths([path]).data_files == (path,)


@pytest.mark.parametrize("path", [
    "assets/teaser.png", "docs/requirements.txt", "notes.txt", "release.zip", "config.json",
    "tokenizer_config.json", "package.json", ".vscode/settings.json", "results.json",
])
def test_not_data_files(path: str) -> None:
    assert classify_paths([path]).data_files == ()


def test_accepts_bare_paths_and_skips_folders() -> None:
    entries = [{"path": "src", "type": "tree"}, {"path": "src/train.py", "type": "blob"}]
    assert classify_paths(entries).total_files == 1
    assert classify_paths(["./train.py"]).training_code == ("train.py",)


def test_license_files_only_at_root_or_in_licenses_folder() -> None:
    files = ["LICENSE.md", "COPYING", "LICENSE-APACHE", "LICENSES/MIT.txt",
             "third_party/lib/LICENSE", "docs/license.rst"]
    assert classify_paths(files).license_files == (
        "LICENSE.md", "COPYING", "LICENSE-APACHE", "LICENSES/MIT.txt")


def test_inventory_serialises_to_json_facts() -> None:
    facts = classify_paths(FULL_RELEASE).to_dict()
    assert json.loads(json.dumps(facts)) == facts
    assert set(facts) == set(FileInventory.__dataclass_fields__)


def test_release_assets() -> None:
    assets = [
        {"name": "resnet50_imagenet.pth", "size": 98 * MB, "download_count": 1200},
        {"name": "pretrained_weights.zip", "size": 900 * MB, "download_count": 300},
        {"name": "dataset_v1.tar.gz", "size": 2000 * MB, "download_count": 80},
        {"name": "test_split.csv", "size": 3 * MB, "download_count": 10},
        {"name": "mytool-1.2.0.tar.gz", "size": 1 * MB, "download_count": 5},
        {"name": "source_code.zip", "size": 2 * MB, "download_count": 4},
        {"name": "mytool-1.2.0-py3-none-any.whl", "size": 1 * MB, "download_count": 7},
        {"name": "paper.pdf", "size": 4 * MB, "download_count": 9},
    ]
    inventory = classify_assets(assets)
    assert inventory.weight_assets == ("resnet50_imagenet.pth", "pretrained_weights.zip")
    assert inventory.data_assets == ("dataset_v1.tar.gz", "test_split.csv")
    assert inventory.source_archives == ("mytool-1.2.0.tar.gz", "source_code.zip")
    assert inventory.other_assets == ("mytool-1.2.0-py3-none-any.whl", "paper.pdf")
    assert inventory.weight_bytes == 998 * MB
    assert inventory.weight_downloads == 1500
    assert inventory.data_bytes == 2003 * MB
    assert json.loads(json.dumps(inventory.to_dict())) == inventory.to_dict()


def test_release_assets_accept_bare_names() -> None:
    assert classify_assets(["model.safetensors"]).weight_assets == ("model.safetensors",)


@given(st.lists(st.fixed_dictionaries({
    "path": st.text(alphabet="abcdeirnt_./-ABC0123", min_size=1, max_size=40),
    "size": st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)),
}), max_size=30))
def test_any_tree_gives_a_consistent_inventory(entries: list[dict[str, object]]) -> None:
    inventory = classify_paths(entries)
    assert inventory.total_files == len(entries)
    assert set(inventory.lfs_pointer_candidates) <= (
        set(inventory.weight_files) | set(inventory.data_files))
    assert set(inventory.dockerfiles) <= set(inventory.dependency_specs)
    assert inventory.weight_bytes >= 0 and inventory.data_bytes >= 0
