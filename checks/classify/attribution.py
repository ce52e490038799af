"""What a link in a README, card or project page is, and whether this paper released it.

:func:`judge_link` reads one :class:`~checks.classify.artefact_links.LinkContext` and returns
an :class:`ArtefactJudgement`: a **role** (weights, data, code, demo, paper, other), an
**attribution** (released by this paper, a third-party input such as a base model, a training
set or a baseline, or unknown), a **confidence** (high, medium, low) and the evidence.

The rules, in the order they apply (docs/scorecard.md repeats them):

Role.
1. The file name: weight extensions (.pth .ckpt .pt .bin .safetensors .gguf .onnx .h5 ...)
   are weights, data extensions (.parquet .jsonl .csv .npz .json.gz ...) data (a release
   asset or a Hub file is a file first); archives (.zip .tar.gz .tgz .7z) take the role
   their words give, else data.
2. The link's kind: a Hub model is weights, a Hub dataset data, a Space a demo, a GitHub
   repository code, arXiv / DOI / a Hub paper page the paper.
3. Otherwise (a Drive / OneDrive / Dropbox / Baidu share, Zenodo, figshare, OSF, a page)
   the words around it decide: the link's text, then its table row and header, then the
   sentence, then the headings (weights: checkpoint, weights, pretrained, model zoo, model;
   data: dataset, data, benchmark, corpus, annotations, split). No word: other.

Attribution.
- Third party, when the sentence around the link says the paper *uses* it ("we train on",
  "initialise from", "download X from its official site", "follow X to prepare", "base
  model", "baseline") or the link sits under Acknowledgements / Related work / References.
- Released, high confidence: a Hub repository owned by one of the paper's owners (the code
  repository's owner or organisation, the Hub organisation that claimed the paper) or named
  after its project; or a file / share / record in a release context (a model-zoo or
  download table, a heading such as "Model Zoo", "Checkpoints", "Pretrained models",
  "Download", "Dataset", "Release", or wording such as "our model", "we release"). Set-up
  sections ("Data preparation", "Installation", "Requirements") are no release context: they
  list what the paper uses.
- Released, high confidence: a deposit (OSF, Zenodo, figshare: no owner to compare) that
  the paper's own README or page links, with no third-party cue.
- Released, medium confidence: an artefact link with neither cue (shown as a candidate,
  counted only once confirmed); a Hub repository of another owner in a release context.
- Low confidence: badges of services, and links whose role is other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import unquote, urlsplit

from checks.classify.artefact_links import LinkContext
from tracker.links import LinkKind, NormalisedLink


class Role(StrEnum):
    """What a linked artefact is."""

    WEIGHTS = "weights"
    DATA = "data"
    CODE = "code"
    DEMO = "demo"
    PAPER = "paper"
    OTHER = "other"


class Attribution(StrEnum):
    """Whose artefact it is, as far as the document says."""

    RELEASED = "released"  # released by this paper
    THIRD_PARTY = "third_party"  # an input: base model, training set, baseline
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    """How sure the attribution is: high counts at once, medium waits for a user."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


WEIGHT_EXTENSIONS = (".pth", ".pth.tar", ".ckpt", ".pt", ".bin", ".safetensors", ".gguf",
                     ".onnx", ".h5", ".hdf5", ".pb", ".tflite", ".mlmodel", ".pdparams",
                     ".msgpack", ".joblib", ".caffemodel", ".params", ".keras")
DATA_EXTENSIONS = (".parquet", ".jsonl", ".jsonl.gz", ".json.gz", ".csv", ".csv.gz", ".tsv",
                   ".tsv.gz", ".npz", ".npy", ".arrow", ".tfrecord", ".hdf", ".nc", ".lmdb",
                   ".mat", ".pkl", ".pickle", ".txt.gz", ".json", ".xml", ".nii.gz")
ARCHIVE_EXTENSIONS = (".zip", ".tar.gz", ".tgz", ".tar", ".7z", ".rar", ".tar.bz2", ".tar.xz",
                      ".tar.zst", ".gz")
ARTEFACT_HOSTS = ("drive.google.com", "docs.google.com", "1drv.ms", "onedrive.live.com",
                  "sharepoint.com", "dropbox.com", "pan.baidu.com", "figshare.com",
                  "zenodo.org", "osf.io", "huggingface.co", "hf.co", "mega.nz", "box.com",
                  "kaggle.com", "storage.googleapis.com", "amazonaws.com", "modelscope.cn",
                  "pan.quark.cn", "aliyundrive.com", "jbox.sjtu.edu.cn", "cloud.tsinghua.edu.cn")

WEIGHT_WORDS = re.compile(r"\b(check-?points?|ckpts?|weights?|pre-?trained|model[ -]?zoo|models?"
                          r"|snapshots?|backbones?)\b", re.IGNORECASE)
DATA_WORDS = re.compile(r"\b(data-?sets?|data|benchmarks?|corpus|corpora|annotations?|splits?"
                        r"|test[- ]?sets?|train(ing)?[- ]?sets?|samples?|features?)\b",
                        re.IGNORECASE)
RELEASE_CONTEXT = re.compile(
    r"\b(model[ -]?zoo|check-?points?|pre-?trained (models?|weights|checkpoints?)|downloads?"
    r"|release[sd]?|our (models?|weights|checkpoints?|data(set)?s?|benchmark)|we (release|provide"
    r"|open[- ]?source|publish)|available (at|on|here|from)|weights|data(set)?s?"
    r"|benchmark)\b", re.IGNORECASE)
THIRD_PARTY_CONTEXT = re.compile(
    r"\b(train(ed|ing)? (on|with)|fine-?tun(e|ed|ing) (on|from)|we use|we used|using the"
    r"|initiali[sz]\w*\b[^.]{0,40}?\b(from|with)|start(ing)? from|base model|baselines?"
    r"|built (on|upon)|based on"
    r"|download(ed)?\b[^.]{0,60}\bfrom (its|their|the) (official|original)"
    r"|(official|original) (site|website|page|repo(sitory)?|release)|follow\b[^.]{0,80}\bto "
    r"(prepare|download|set ?up)|prepare (the|your) (data|dataset)|provided by|third[- ]party"
    r"|borrowed from|thanks to|courtesy of|credit)\b", re.IGNORECASE)
# Sections about setting things up list what the paper uses, not what it releases.
SETUP_SECTIONS = re.compile(r"\b(prepar(e|ation|ing)|pre-?process\w*|install\w*|set ?up"
                            r"|getting started|requirements?|environment|dependenc\w+)\b",
                            re.IGNORECASE)
FOREIGN_SECTIONS = re.compile(r"\b(acknowledg(e)?ments?|related (work|projects?)|references?"
                              r"|citations?|cite|credits?|thanks|bibtex)\b", re.IGNORECASE)
BADGE_HOSTS = ("img.shields.io", "badge.fury.io", "colab.research.google.com")
# Deposits have no account to compare with the authors': linked from their text, they count.
OWNERLESS = frozenset({"osf_node", "zenodo_record", "figshare_item"})


@dataclass(frozen=True)
class PaperIdentity:
    """Who the paper's authors are on the hosts: account names and project names."""

    owners: frozenset[str] = frozenset()  # GitHub owners, Hub organisations (lowercase)
    names: frozenset[str] = frozenset()  # repository names, project name (lowercase)

    @classmethod
    def of(cls, owners: Iterable[str], names: Iterable[str]) -> PaperIdentity:
        """Lowercased sets; names shorter than 3 characters are ignored (too common)."""
        return cls(frozenset(o.lower() for o in owners if o),
                   frozenset(n.lower() for n in names if n and len(n) >= 3))


@dataclass(frozen=True)
class ArtefactJudgement:
    """What one link is, whose it is, how sure, and why."""

    url: str
    role: Role
    attribution: Attribution
    confidence: Confidence
    evidence: tuple[str, ...] = field(default_factory=tuple)

    @property
    def counts(self) -> bool:
        """Counted without confirmation: released weights or data, high confidence."""
        return (self.role in (Role.WEIGHTS, Role.DATA)
                and self.attribution is Attribution.RELEASED
                and self.confidence is Confidence.HIGH)

    @property
    def candidate(self) -> bool:
        """Shown as unconfirmed: released weights or data, medium confidence."""
        return (self.role in (Role.WEIGHTS, Role.DATA)
                and self.attribution is Attribution.RELEASED
                and self.confidence is Confidence.MEDIUM)


def _path(url: str) -> str:
    return unquote(urlsplit(url).path).lower()


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def extension_role(url: str) -> Role | None:
    """The role a URL's file name gives (weights, data), None when it names no such file."""
    path = _path(url)
    if path.endswith(WEIGHT_EXTENSIONS):
        return Role.WEIGHTS
    if path.endswith(DATA_EXTENSIONS):
        return Role.DATA
    return None


def is_artefact_host(url: str) -> bool:
    """Whether the URL is on a host where papers put weights and data."""
    host = _host(url)
    return any(host == h or host.endswith("." + h) for h in ARTEFACT_HOSTS)


def _words_role(*texts: str | None) -> Role | None:
    for text in texts:
        if not text:
            continue
        weights, data = bool(WEIGHT_WORDS.search(text)), bool(DATA_WORDS.search(text))
        if weights != data:
            return Role.WEIGHTS if weights else Role.DATA
    return None


def _kind_role(kind: str | None) -> Role | None:
    return {
        LinkKind.HF_MODEL: Role.WEIGHTS, LinkKind.HF_DATASET: Role.DATA,
        LinkKind.HF_SPACE: Role.DEMO, LinkKind.GITHUB_REPO: Role.CODE,
        LinkKind.ARXIV: Role.PAPER, LinkKind.DOI: Role.PAPER, LinkKind.HF_PAPER: Role.PAPER,
    }.get(kind) if kind else None  # type: ignore[call-overload]


def _sentence(nearby: str, url: str, text: str) -> str:
    """The sentence of `nearby` that holds the link (by its URL or its text)."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", nearby):
        if url in sentence or (text and text in sentence):
            return sentence
    return nearby


def _owned(link: NormalisedLink | None, identity: PaperIdentity) -> str | None:
    if link is None or link.kind not in (LinkKind.HF_MODEL, LinkKind.HF_DATASET,
                                         LinkKind.HF_SPACE, LinkKind.GITHUB_REPO):
        return None
    owner, _, name = link.target.partition("/")
    if owner.lower() in identity.owners:
        return f"owned by {owner}, an owner of the paper's code or paper page"
    lowered = name.lower()
    for project in identity.names:
        if project in lowered:
            return f"named after the project ({project})"
    return None


def judge_link(
    context: LinkContext, link: NormalisedLink | None, identity: PaperIdentity
) -> ArtefactJudgement:
    """Apply the module's rules to one link in its context."""
    url = context.url
    evidence: list[str] = []
    kind = str(link.kind) if link is not None else None
    role = extension_role(url)  # a file named by the URL (a release asset, a Hub file ...)
    if role is not None:
        evidence.append(f"file name {_path(url).rsplit('/', 1)[-1]}")
    if role is None:
        role = _kind_role(kind)
        if role is not None:
            evidence.append(f"a link of kind {kind}")
    if role is None and (is_artefact_host(url) or _path(url).endswith(ARCHIVE_EXTENSIONS)):
        role = _words_role(context.text, context.row, context.header,
                           _sentence(context.nearby, url, context.text), context.section)
        if role is not None:
            evidence.append(f"the words around it say {role}")
        elif _path(url).endswith(ARCHIVE_EXTENSIONS):
            role = Role.DATA
            evidence.append("an archive with no word of weights")
    if role is None:
        role = Role.OTHER
    if _host(url) in BADGE_HOSTS or (context.badge and role in (Role.PAPER, Role.OTHER)):
        return ArtefactJudgement(url, role, Attribution.UNKNOWN, Confidence.LOW,
                                 (*evidence, "a badge"))
    sentence = _sentence(context.nearby, url, context.text)
    foreign = FOREIGN_SECTIONS.search(context.section)
    third_party = THIRD_PARTY_CONTEXT.search(sentence)
    owned = _owned(link, identity)
    section = "" if SETUP_SECTIONS.search(context.section) else context.section
    release = (RELEASE_CONTEXT.search(" ".join(filter(None, (context.header, section))))
               or RELEASE_CONTEXT.search(context.text or "")
               or re.search(r"\b(our|we release|we provide)\b", sentence, re.IGNORECASE))
    if owned:
        evidence.append(owned)
        return ArtefactJudgement(url, role, Attribution.RELEASED, Confidence.HIGH,
                                 tuple(evidence))
    if foreign:
        evidence.append(f"under {context.section!r}")
        return ArtefactJudgement(url, role, Attribution.THIRD_PARTY, Confidence.HIGH,
                                 tuple(evidence))
    if third_party:
        evidence.append(f"the text uses it: {third_party.group(0)!r}")
        return ArtefactJudgement(url, role, Attribution.THIRD_PARTY, Confidence.HIGH,
                                 tuple(evidence))
    if role in (Role.WEIGHTS, Role.DATA) and link is not None and str(link.kind) in OWNERLESS:
        # A deposit has no owner to compare; the authors' own text links it as theirs.
        evidence.append("a deposit the paper's own README or page links")
        return ArtefactJudgement(url, role, Attribution.RELEASED, Confidence.HIGH,
                                 tuple(evidence))
    if role in (Role.WEIGHTS, Role.DATA):
        hub_of_another = link is not None and link.kind in (LinkKind.HF_MODEL,
                                                            LinkKind.HF_DATASET)
        if release and not hub_of_another:
            where = context.header or context.section or context.text
            evidence.append(f"in a release context ({where!r})")
            return ArtefactJudgement(url, role, Attribution.RELEASED, Confidence.HIGH,
                                     tuple(evidence))
        evidence.append("no word says whose it is" if not release else
                        "another account's Hub repository in a release context")
        return ArtefactJudgement(url, role, Attribution.RELEASED, Confidence.MEDIUM,
                                 tuple(evidence))
    return ArtefactJudgement(url, role, Attribution.UNKNOWN, Confidence.LOW, tuple(evidence))
