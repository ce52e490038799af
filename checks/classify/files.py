"""Classify a repository's file tree and release assets into the roles the scorecard asks about.

Input: the facts the sources store, a list of ``{"path": str, "size": int | None}`` (GitHub
tree, Hugging Face repo files) or bare path strings; entries whose ``type`` is a directory
("tree", "dir", "directory") are skipped. Every rule is a small table below; a file may hold
several roles (``tools/train.sh`` is code and training code).

How names are read: the file name without extension is split into lowercase word tokens at
``_ - .``, digits and camelCase (``train_test_split`` -> train, test, split; ``constraint`` stays
one token, so "train" inside a word never matches). Directories are matched the same way.

Decisions worth knowing:

- **Unit tests are neither training nor evaluation.** A file is a unit test when it sits in a
  test directory (``tests/``, ``test/`` ...) or follows pytest naming (``test_*.py``,
  ``*_test.py``, ``conftest.py``) outside a script directory. ML repositories call their
  evaluation script ``test.py``, ``dist_test.sh``, ``tools/test_net.py``, ``val.py``: at the
  root or in a script folder (``scripts/``, ``tools/`` ...) those count as evaluation.
- **Inference is not evaluation**: ``inference.py``, ``predict.py``, ``demo.py`` run a model
  but measure nothing; they are listed in ``inference_code`` (reported, not scored).
- **Configs are not training code**: ``configs/train/*.yaml`` alone trains nothing.
- **Training-data preparation is not training**: ``train_test_split.py``,
  ``make_train_data.py`` (a train token next to split/data/list/ids).
- ``package.json``, ``CMakeLists.txt``, ``pom.xml``, ``build.sbt`` are dependency specs only
  when the repository's code is mostly in that ecosystem (a Python repo's project-page
  ``package.json`` says nothing about the Python environment).
- **Ambiguous weight extensions** (.bin .h5 .pkl .npz .msgpack .pb ...) need a model-ish name
  or a weights directory; .bin/.h5/.npz/.pkl under a data directory are data.
- **LFS pointers**: a weight or big-data file of under 1 KiB in a tree is most likely a Git
  LFS pointer (about 130 bytes). It stays in ``weight_files``/``data_files`` and is also listed
  in ``lfs_pointer_candidates``; its size is not added to ``weight_bytes``/``data_bytes``.
- **Code means code**: source files of a programming language, notebooks, and build or run
  scripts (``Makefile``, ``CMakeLists.txt``, ``Snakefile`` ...); never a README, a licence, a
  PDF, images or a project page's assets (``substantive_code_files`` leaves out code under
  docs / web-asset folders).
- **Placeholder repository**: no substantive code (code outside docs/web-asset folders such as
  ``static/``, ``assets/``, ``docs/``), no weights and no data: the "code coming soon" repo,
  including a project page with only HTML/JS.
- Pass ``repo_type="dataset"`` for a Hugging Face dataset repository: every path is then read
  as if it were under a data directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

# ---- reading the input -----------------------------------------------------------------
# Tree entries with these "type" values are folders, not files (GitHub trees, HF tree API).
DIRECTORY_TYPES = frozenset({"tree", "dir", "directory", "folder"})
# Multi-part extensions recognised as one (checked before the last ".suffix").
COMPOUND_EXTENSIONS = (".pth.tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".json.gz",
                       ".jsonl.gz", ".csv.gz", ".tsv.gz", ".nii.gz")
# Never classified (tooling caches, installed packages); still counted in total_files.
IGNORED_DIRS = frozenset({".git", "node_modules", "__pycache__", ".venv", "venv",
                          "site-packages", ".ipynb_checkpoints", ".mypy_cache", ".tox"})
# Someone else's code copied in: its setup.py or train.py says nothing about this repository.
VENDORED_DIRS = frozenset({"third_party", "thirdparty", "3rdparty", "third-party", "vendor",
                           "vendored", "external", "extern"})
# Code here is a project page, docs or assets, not research code (placeholder detection);
# dependency specs here build the docs or the page, not the research environment.
NON_SUBSTANTIVE_DIRS = frozenset({"docs", "doc", "static", "assets", "asset", "website", "site",
                                  "_site", "web", "webpage", "page", "project_page", "images",
                                  "imgs", "img", "media", "figures", "figs", "css", "fonts",
                                  ".github"})

# ---- code ------------------------------------------------------------------------------
# Source files by extension (notebooks and shell scripts included: ML repos train with them).
CODE_EXTENSIONS = frozenset({".py", ".ipynb", ".pyx", ".r", ".jl", ".m", ".c", ".h", ".cc",
                             ".cpp", ".cxx", ".hpp", ".cu", ".cuh", ".rs", ".go", ".java",
                             ".scala", ".kt", ".sh", ".bash", ".js", ".mjs", ".ts", ".jsx",
                             ".tsx", ".lua", ".swift", ".rb", ".pl", ".f90", ".cs", ".zsh",
                             ".ps1", ".bat", ".sql", ".hs", ".ml", ".php", ".dart", ".f",
                             ".f95", ".for", ".sas", ".do", ".stan", ".nf", ".smk", ".wdl",
                             ".mk", ".cmake", ".v", ".sv", ".vhd", ".mojo", ".zig", ".nim"})
# Build and run scripts without a code extension: they run the research code.
BUILD_SCRIPT_NAMES = frozenset({"makefile", "gnumakefile", "cmakelists.txt", "snakefile",
                                "justfile", "build.gradle", "build.sbt", "sconstruct",
                                "meson.build", "build.bazel", "workspace", "rakefile"})
# Unit tests live here or are named like this; they never count as training or evaluation.
UNIT_TEST_DIRS = frozenset({"test", "tests", "testing", "unittest", "unittests", "unit_tests",
                            "__tests__", "spec", "specs"})
UNIT_TEST_NAMES = frozenset({"conftest.py"})
# Where ML repositories keep runnable scripts: test*/val* scripts here are evaluation.
SCRIPT_DIRS = frozenset({"scripts", "script", "tools", "tool", "bin", "run", "experiments",
                         "exps", "launch", "slurm"})
# Name tokens that make a code file training code; pairs catch "fine_tune", "pre-train".
TRAINING_TOKENS = frozenset({"train", "training", "trainer", "trainers", "finetune",
                             "finetuning", "pretrain", "pretraining", "sft", "dpo", "rlhf"})
TRAINING_TOKEN_PAIRS = frozenset({("fine", "tune"), ("fine", "tuning"), ("pre", "train"),
                                  ("pre", "training")})
# ... unless the name is about preparing training data (train_test_split.py, train_data.py).
TRAINING_EXCLUDING_TOKENS = frozenset({"split", "splits", "data", "dataset", "datasets", "list",
                                       "lists", "ids", "index"})
# Code inside these folders is training code (train/loop.py).
TRAINING_DIR_TOKENS = frozenset({"train", "training", "trainer", "trainers", "finetune",
                                 "finetuning", "pretrain", "pretraining"})
# Name tokens that make a code file evaluation code (timm's validate.py included).
EVALUATION_TOKENS = frozenset({"eval", "evals", "evaluate", "evaluation", "evaluator",
                               "evaluators", "evaluating", "benchmark", "benchmarks",
                               "benchmarking", "metric", "metrics", "validate"})
# test.py, dist_test.sh, val.py (YOLO) count at the root or in SCRIPT_DIRS only, and not
# when preparing data (train_test_split.py).
EVALUATION_SCRIPT_TOKENS = frozenset({"test", "testing", "val"})
EVALUATION_DIR_TOKENS = frozenset({"eval", "evals", "evaluation", "evaluations", "evaluate",
                                   "benchmark", "benchmarks", "metrics"})
# Running a model is not measuring it: reported as inference_code, not scored as evaluation.
INFERENCE_TOKENS = frozenset({"inference", "infer", "predict", "predictor", "demo", "sample",
                              "sampling"})

# ---- environment -----------------------------------------------------------------------
# Exact file names (lowercase, except R's DESCRIPTION) that specify an environment.
DEPENDENCY_SPEC_NAMES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "pipfile",
                                   "pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock",
                                   "environment.yml", "environment.yaml", "conda.yml",
                                   "conda.yaml", "renv.lock", "DESCRIPTION", "project.toml",
                                   "manifest.toml", "cargo.toml", "go.mod"})
DEPENDENCY_SPEC_PATTERNS = tuple(re.compile(pattern) for pattern in (
    r"[\w.-]*requirements[\w.-]*\.(txt|in|pip)",  # requirements-dev.txt, dev-requirements.txt
    r"(environment|conda)[\w.-]*\.ya?ml",  # environment_cuda11.yml, conda-env.yaml
    r"(singularity|apptainer)(\.[\w.-]+)?",  # Singularity recipe files
))
# *.def is a Singularity/Apptainer definition only with one of these words in name or folder
# (.def is also a C module-definition file).
CONTAINER_TOKENS = frozenset({"singularity", "apptainer", "container", "containers"})
DOCKERFILE_PATTERNS = tuple(re.compile(pattern) for pattern in (
    r"(dockerfile|containerfile)([.-][\w.-]+)?",  # Dockerfile, Dockerfile.gpu
    r"[\w.-]+\.dockerfile",
    r"(docker-)?compose([.-][\w.-]+)?\.ya?ml",
))
# Build files that specify an environment only for a project written in that ecosystem.
ECOSYSTEM_DEPENDENCY_SPECS = {"package.json": "javascript", "cmakelists.txt": "c++",
                              "pom.xml": "jvm", "build.gradle": "jvm", "build.sbt": "jvm"}
EXTENSION_ECOSYSTEM = {".py": "python", ".ipynb": "python", ".js": "javascript",
                       ".mjs": "javascript", ".ts": "javascript", ".jsx": "javascript",
                       ".tsx": "javascript", ".c": "c++", ".cc": "c++", ".cpp": "c++",
                       ".cxx": "c++", ".h": "c++", ".hpp": "c++", ".cu": "c++", ".java": "jvm",
                       ".scala": "jvm", ".kt": "jvm"}

# ---- weights ---------------------------------------------------------------------------
# Extensions that are model weights whatever their name.
WEIGHT_EXTENSIONS = frozenset({".safetensors", ".ckpt", ".pth", ".pth.tar", ".pt", ".gguf",
                               ".ggml", ".onnx", ".tflite", ".caffemodel", ".pdparams",
                               ".keras", ".nemo", ".mlmodel"})
# Extensions shared with data or other binaries: weights only with a hint (name or folder).
HINTED_WEIGHT_EXTENSIONS = frozenset({".bin", ".h5", ".hdf5", ".pkl", ".pickle", ".joblib",
                                      ".npz", ".msgpack", ".pb", ".params"})
WEIGHT_NAME_TOKENS = frozenset({"model", "models", "weights", "weight", "checkpoint",
                                "checkpoints", "ckpt", "ckpts", "pytorch", "tf", "flax",
                                "adapter", "lora", "best", "last", "latest", "epoch", "ema",
                                "pretrained", "finetuned", "params", "clf", "classifier",
                                "regressor", "estimator", "ggml", "generator", "unet", "vae"})
WEIGHT_DIRS = frozenset({"checkpoints", "checkpoint", "ckpt", "ckpts", "weights",
                         "pretrained", "pretrained_models", "pretrained_weights", "models",
                         "saved_models", "model_zoo", "saved_model"})
# Trainer state saved next to checkpoints (training_args.bin, rng_state.pth): not weights.
NOT_WEIGHT_TOKENS = frozenset({"args", "rng", "scheduler", "optimizer"})
# TensorFlow 1 checkpoints: model.ckpt-1000.index, model.ckpt-1000.data-00000-of-00001.
TF_CHECKPOINT_PATTERN = re.compile(r".+\.ckpt(-\d+)?\.(index|meta|data-\d+-of-\d+)")
# An unnamed .bin this large, outside data folders, is taken for a checkpoint.
LARGE_BIN_BYTES = 10 * 1024 * 1024
# Git LFS pointers are ~130 bytes; a weight or big-data file under this size is probably one.
LFS_POINTER_MAX_BYTES = 1024

# ---- data ------------------------------------------------------------------------------
# Data wherever they are (tabular, array, record and scientific formats).
DATA_EXTENSIONS = frozenset({".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".arrow",
                             ".feather", ".tfrecord", ".tfrecords", ".npy", ".npz", ".h5",
                             ".hdf5", ".xlsx", ".xls", ".arff", ".rds", ".rda", ".rdata", ".dta",
                             ".sav", ".nc", ".fits", ".nii", ".nii.gz", ".mat", ".csv.gz",
                             ".tsv.gz", ".jsonl.gz", ".json.gz", ".lmdb", ".mdb", ".fasta",
                             ".fastq"})
# Data only inside a data folder (elsewhere they are docs, figures, assets or caches).
DATA_DIR_ONLY_EXTENSIONS = frozenset({".txt", ".pkl", ".pickle", ".bin", ".zip", ".tar",
                                      ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".7z", ".gz",
                                      ".xz", ".rar", ".wav", ".flac", ".mp3", ".ogg", ".jpg",
                                      ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif", ".webp",
                                      ".mp4", ".avi", ".mov", ".xml", ".ply", ".obj", ".pcd"})
DATA_DIR_TOKENS = frozenset({"data", "dataset", "datasets", "corpus", "corpora"})
# A .json outside data folders is data only with one of these tokens (train.json, qa_dev.json)
DATA_NAME_TOKENS = frozenset({"data", "dataset", "train", "test", "val", "valid", "validation",
                              "dev", "split", "splits", "annotations", "annotation", "labels",
                              "samples", "corpus", "questions", "qa", "instances", "examples"})
# ... and never when it is configuration or metadata.
CONFIG_JSON_PATTERNS = tuple(re.compile(pattern) for pattern in (
    r".*config.*\.json", r"(tokenizer|vocab|merges|special_tokens|added_tokens).*\.json",
    r".*\.index\.json", r"(package|package-lock|composer|renovate|manifest|tsconfig)\.json",
    r"(settings|launch|model_index|trainer_state|dataset_infos?|dataset_dict|state)\.json",
    r"\..*\.json",
))
# Big binary formats whose pointer-sized copy is flagged as an LFS pointer.
BIG_DATA_EXTENSIONS = frozenset({".parquet", ".arrow", ".feather", ".tfrecord", ".npy", ".npz",
                                 ".h5", ".hdf5", ".zip", ".tar", ".tar.gz", ".tgz", ".7z",
                                 ".bin", ".pkl", ".mat", ".lmdb"})

# ---- documentation ---------------------------------------------------------------------
CITATION_NAMES = frozenset({"citation.cff", "citation.bib", "citation", "citation.md",
                            "citation.txt", "citations.bib"})
# Root LICENSE, LICENCE.md, COPYING, LICENSE-MIT ...; any file in a REUSE LICENSES/ folder.
LICENSE_FILE_PATTERN = re.compile(r"(licen[cs]e|copying|unlicense)([._-][\w.-]*)?")

# ---- release assets --------------------------------------------------------------------
ARCHIVE_EXTENSIONS = frozenset({".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz",
                                ".tar.zst", ".7z", ".rar", ".gz", ".xz"})
DATA_ASSET_TOKENS = frozenset({"data", "dataset", "datasets", "corpus", "annotations",
                               "annotation", "images", "split", "splits", "features"})
SOURCE_ASSET_TOKENS = frozenset({"src", "source", "sources", "code"})
# A versioned package archive (project-1.2.0.tar.gz) is source too.
VERSIONED_ARCHIVE_PATTERN = re.compile(r"[a-z][\w.-]*-v?\d+(\.\d+)+(\.tar\.gz|\.tgz|\.zip)")

ROLE_NAMES = ("dependency_specs", "dockerfiles", "training_code", "evaluation_code",
              "inference_code", "weight_files", "lfs_pointer_candidates", "data_files",
              "notebooks", "citation", "license_files", "readme")


def _as_facts(inventory: Any) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(inventory).items()}


@dataclass(frozen=True)
class FileInventory:
    """What a file tree contains, by role; every role is a tuple of paths in tree order."""

    dependency_specs: tuple[str, ...] = ()
    dockerfiles: tuple[str, ...] = ()
    training_code: tuple[str, ...] = ()
    evaluation_code: tuple[str, ...] = ()
    inference_code: tuple[str, ...] = ()
    weight_files: tuple[str, ...] = ()
    lfs_pointer_candidates: tuple[str, ...] = ()
    data_files: tuple[str, ...] = ()
    notebooks: tuple[str, ...] = ()
    citation: tuple[str, ...] = ()
    license_files: tuple[str, ...] = ()
    readme: tuple[str, ...] = ()
    total_files: int = 0
    code_files: int = 0
    substantive_code_files: int = 0  # code outside docs / web-asset folders
    weight_bytes: int = 0
    data_bytes: int = 0
    is_placeholder: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return the inventory as JSON-serialisable facts (tuples become lists)."""
        return _as_facts(self)


@dataclass(frozen=True)
class AssetInventory:
    """Release assets by role; names in input order, bytes and downloads summed."""

    weight_assets: tuple[str, ...] = ()
    data_assets: tuple[str, ...] = ()
    source_archives: tuple[str, ...] = ()
    other_assets: tuple[str, ...] = ()
    weight_bytes: int = 0
    data_bytes: int = 0
    weight_downloads: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the inventory as JSON-serialisable facts (tuples become lists)."""
        return _as_facts(self)


@dataclass(frozen=True)
class _PathName:
    """One path split into the pieces the rules look at."""

    path: str
    base: str  # file name, original case
    lower: str  # file name, lowercase
    extension: str  # lowercase, compound (".tar.gz") when known
    tokens: tuple[str, ...]  # word tokens of the name without extension
    dir_names: tuple[str, ...]  # lowercase directory names, outermost first
    dir_tokens: frozenset[str]  # word tokens of every directory name


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[a-z]+|\d+")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_CAMEL.sub(" ", text).lower()))


def _split(path: str) -> _PathName:
    clean = path.replace("\\", "/").strip("/")
    while clean.startswith("./"):
        clean = clean[2:]
    parts = clean.split("/")
    base, dirs = parts[-1], tuple(part.lower() for part in parts[:-1])
    lower = base.lower()
    extension = next((ext for ext in COMPOUND_EXTENSIONS if lower.endswith(ext)), "")
    if not extension and "." in lower.lstrip("."):
        extension = lower[lower.rindex("."):]
    stem = base[: len(base) - len(extension)] if extension else base
    dir_tokens = frozenset(token for name in dirs for token in _tokens(name))
    return _PathName(clean, base, lower, extension, _tokens(stem), dirs, dir_tokens)


def _entries(files: Iterable[Mapping[str, Any]] | Iterable[str]) -> list[tuple[str, int | None]]:
    """Normalise the input to (path, size) pairs, dropping directories."""
    pairs: list[tuple[str, int | None]] = []
    for entry in files:
        if isinstance(entry, str):
            pairs.append((entry, None))
            continue
        if str(entry.get("type", "")).lower() in DIRECTORY_TYPES:
            continue
        path = entry.get("path") or entry.get("rfilename") or entry.get("name")
        if not path:
            continue
        size = entry.get("size")
        pairs.append((str(path), int(size) if isinstance(size, (int, float)) else None))
    return pairs


def _in_dirs(name: _PathName, dir_names: frozenset[str]) -> bool:
    return any(directory in dir_names for directory in name.dir_names)


def _is_code(name: _PathName) -> bool:
    if name.lower in BUILD_SCRIPT_NAMES:
        return True
    return name.extension in CODE_EXTENSIONS and not name.lower.endswith(".min.js")


def _is_unit_test(name: _PathName) -> bool:
    if _in_dirs(name, UNIT_TEST_DIRS) or name.lower in UNIT_TEST_NAMES:
        return True
    pytest_named = name.extension == ".py" and (
        name.lower.startswith("test_") or name.lower.endswith(("_test.py", "_tests.py"))
    )
    in_script_dir = bool(name.dir_names) and name.dir_names[-1] in SCRIPT_DIRS
    return pytest_named and not in_script_dir


def _has_pair(tokens: tuple[str, ...], pairs: frozenset[tuple[str, str]]) -> bool:
    return any(pair in pairs for pair in zip(tokens, tokens[1:]))


def _is_training(name: _PathName) -> bool:
    if not _is_code(name) or _is_unit_test(name):
        return False
    tokens = set(name.tokens)
    if tokens & TRAINING_EXCLUDING_TOKENS:
        return False
    if tokens & TRAINING_TOKENS or _has_pair(name.tokens, TRAINING_TOKEN_PAIRS):
        return True
    return bool(name.dir_tokens & TRAINING_DIR_TOKENS) and not _is_data_dir(name)


def _is_evaluation(name: _PathName) -> bool:
    if not _is_code(name) or _is_unit_test(name):
        return False
    tokens = set(name.tokens)
    if tokens & EVALUATION_TOKENS:
        return True
    if tokens & EVALUATION_SCRIPT_TOKENS and not tokens & TRAINING_EXCLUDING_TOKENS:
        if not name.dir_names or _in_dirs(name, SCRIPT_DIRS):
            return True
    return bool(name.dir_tokens & EVALUATION_DIR_TOKENS)


def _is_inference(name: _PathName) -> bool:
    return _is_code(name) and not _is_unit_test(name) and bool(
        set(name.tokens) & INFERENCE_TOKENS
    )


def _is_data_dir(name: _PathName) -> bool:
    return bool(name.dir_tokens & DATA_DIR_TOKENS)


def _is_dockerfile(name: _PathName) -> bool:
    return any(pattern.fullmatch(name.lower) for pattern in DOCKERFILE_PATTERNS)


def _is_dependency_spec(name: _PathName, dominant: set[str]) -> bool:
    if name.base in DEPENDENCY_SPEC_NAMES or name.lower in DEPENDENCY_SPEC_NAMES:
        return True
    if any(pattern.fullmatch(name.lower) for pattern in DEPENDENCY_SPEC_PATTERNS):
        return True
    if name.extension == ".txt" and _in_dirs(name, frozenset({"requirements", "requirement"})):
        return True
    if name.extension == ".def" and (
        set(name.tokens) & CONTAINER_TOKENS or name.dir_tokens & CONTAINER_TOKENS
    ):
        return True
    ecosystem = ECOSYSTEM_DEPENDENCY_SPECS.get(name.lower)
    return ecosystem is not None and ecosystem in dominant


def _has_weight_hint(name: _PathName) -> bool:
    return bool(set(name.tokens) & WEIGHT_NAME_TOKENS) or _in_dirs(name, WEIGHT_DIRS)


def _is_weight(name: _PathName, size: int | None, data_context: bool) -> bool:
    if TF_CHECKPOINT_PATTERN.fullmatch(name.lower):
        return True
    if name.extension in WEIGHT_EXTENSIONS:
        return not (set(name.tokens) & NOT_WEIGHT_TOKENS)
    if name.extension not in HINTED_WEIGHT_EXTENSIONS:
        return False
    if name.extension == ".pb":
        return name.lower == "saved_model.pb" or _has_weight_hint(name) or (
            "saved_model" in name.dir_names
        )
    if set(name.tokens) & NOT_WEIGHT_TOKENS:
        return False
    if data_context and not _in_dirs(name, WEIGHT_DIRS):
        return False
    if _has_weight_hint(name):
        return True
    # A large unnamed .bin outside data directories is far more often a checkpoint than not.
    return name.extension == ".bin" and size is not None and size >= LARGE_BIN_BYTES


def _is_data(name: _PathName, data_context: bool) -> bool:
    if name.extension in DATA_EXTENSIONS:
        return True
    if name.extension == ".json":
        config_like = any(pattern.fullmatch(name.lower) for pattern in CONFIG_JSON_PATTERNS)
        if config_like:
            return False
        return data_context or bool(set(name.tokens) & DATA_NAME_TOKENS)
    return data_context and name.extension in DATA_DIR_ONLY_EXTENSIONS


def _dominant_ecosystems(names: list[_PathName]) -> set[str]:
    """Ecosystems with at least as many source files as Python (the usual ML language)."""
    counts: dict[str, int] = {}
    for name in names:
        ecosystem = EXTENSION_ECOSYSTEM.get(name.extension)
        if ecosystem and _is_code(name) and not _in_dirs(name, NON_SUBSTANTIVE_DIRS):
            counts[ecosystem] = counts.get(ecosystem, 0) + 1
    python = counts.get("python", 0)
    return {ecosystem for ecosystem, count in counts.items() if count > 0 and count >= python}


def classify_paths(
    files: Iterable[Mapping[str, Any]] | Iterable[str], *, repo_type: str | None = None
) -> FileInventory:
    """Sort a file tree into roles; ``repo_type="dataset"`` reads every path as data-context."""
    entries = _entries(files)
    names = [_split(path) for path, _ in entries]
    roles: dict[str, list[str]] = {role: [] for role in ROLE_NAMES}
    code_files = substantive_code = weight_bytes = data_bytes = 0
    dominant = _dominant_ecosystems(names)
    for name, (_, size) in zip(names, entries):
        if _in_dirs(name, IGNORED_DIRS):
            continue
        if _is_code(name):
            code_files += 1
            substantive_code += not _in_dirs(name, NON_SUBSTANTIVE_DIRS)
        data_context = repo_type == "dataset" or _is_data_dir(name)
        # Vendored code, docs and CI (docs/requirements.txt, .github/scripts/test.sh) say
        # nothing about this repository's research environment or experiments.
        own = not _in_dirs(name, VENDORED_DIRS | NON_SUBSTANTIVE_DIRS)
        role_checks = {
            "dependency_specs": own and (
                _is_dependency_spec(name, dominant) or _is_dockerfile(name)
            ),
            "dockerfiles": own and _is_dockerfile(name),
            "training_code": own and _is_training(name),
            "evaluation_code": own and _is_evaluation(name),
            "inference_code": own and _is_inference(name),
            "notebooks": name.extension == ".ipynb",
            "citation": name.lower in CITATION_NAMES,
            "license_files": _is_license_file(name),
            "readme": not name.dir_names and name.lower.startswith("readme"),
        }
        for role, matched in role_checks.items():
            if matched:
                roles[role].append(name.path)
        pointer_sized = size is not None and size < LFS_POINTER_MAX_BYTES
        if _is_weight(name, size, data_context):
            roles["weight_files"].append(name.path)
            if pointer_sized:
                roles["lfs_pointer_candidates"].append(name.path)
            elif size:
                weight_bytes += size
        elif _is_data(name, data_context):
            roles["data_files"].append(name.path)
            if pointer_sized and name.extension in BIG_DATA_EXTENSIONS:
                roles["lfs_pointer_candidates"].append(name.path)
            elif size:
                data_bytes += size
    return FileInventory(
        **{role: tuple(paths) for role, paths in roles.items()},
        total_files=len(entries),
        code_files=code_files,
        substantive_code_files=substantive_code,
        weight_bytes=weight_bytes,
        data_bytes=data_bytes,
        is_placeholder=not (substantive_code or roles["weight_files"] or roles["data_files"]),
    )


def _is_license_file(name: _PathName) -> bool:
    if name.dir_names[-1:] in (("licenses",), ("licences",)):
        return True
    return not name.dir_names and bool(LICENSE_FILE_PATTERN.fullmatch(name.lower))


def _asset_name(asset: Mapping[str, Any] | str) -> str:
    return asset if isinstance(asset, str) else str(asset.get("name") or "")


def classify_assets(assets: Iterable[Mapping[str, Any]] | Iterable[str]) -> AssetInventory:
    """Sort release assets ``{"name", "size", "download_count"}`` into weights, data, sources."""
    weight_assets: list[str] = []
    data_assets: list[str] = []
    source_archives: list[str] = []
    other_assets: list[str] = []
    weight_bytes = data_bytes = weight_downloads = 0
    for asset in assets:
        asset_name = _asset_name(asset)
        if not asset_name:
            continue
        facts: Mapping[str, Any] = {} if isinstance(asset, str) else asset
        size = int(facts.get("size") or 0)
        name = _split(asset_name)
        tokens = set(name.tokens)
        is_archive = name.extension in ARCHIVE_EXTENSIONS
        if _is_weight(name, size or None, False) or (is_archive and tokens & WEIGHT_NAME_TOKENS):
            weight_assets.append(asset_name)
            weight_bytes += size
            weight_downloads += int(facts.get("download_count") or 0)
        elif _is_data(name, False) or (is_archive and tokens & DATA_ASSET_TOKENS):
            data_assets.append(asset_name)
            data_bytes += size
        elif is_archive and (
            tokens & SOURCE_ASSET_TOKENS or VERSIONED_ARCHIVE_PATTERN.fullmatch(name.lower)
        ):
            source_archives.append(asset_name)
        else:
            other_assets.append(asset_name)
    return AssetInventory(
        tuple(weight_assets), tuple(data_assets), tuple(source_archives), tuple(other_assets),
        weight_bytes, data_bytes, weight_downloads,
    )
