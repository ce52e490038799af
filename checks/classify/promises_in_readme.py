"""Promises a README makes about its artefacts: template placeholders and "coming soon".

Two kinds of evidence, each tied to what it promises (weights, data or code):

- a **placeholder** where a link should be: ``[model](<hf_model_link>)``, ``[data](#)``,
  ``TBD``, ``xxxx.xxxxx`` (found by :mod:`checks.classify.artefact_links`); what it stands for
  is read from the placeholder's own words (``hf_model_link``), then the link's text, its
  table row and header, and its headings;
- a **promise** in the text: a sentence that says a release is still to come ("weights
  will be released", "dataset coming soon"), read with the README analysis's promise
  patterns; what it promises is read from the sentence's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.classify.artefact_links import LinkContext
from checks.classify.attribution import DATA_WORDS, WEIGHT_WORDS
from checks.classify.readme import PROMISE_PATTERNS

CODE_WORDS = re.compile(r"\b(code|codes|implementation|source|scripts?|repo(sitory)?|training"
                        r"|inference)\b", re.IGNORECASE)
MAX_PROMISES = 10


@dataclass(frozen=True)
class Promise:
    """One unkept promise: what it is about, and the words that make it (quoted as evidence)."""

    about: str  # "weights" | "data" | "code"
    quote: str
    placeholder: bool  # a template placeholder rather than wording


def _about(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        if WEIGHT_WORDS.search(text) and not DATA_WORDS.search(text):
            return "weights"
        if DATA_WORDS.search(text) and not WEIGHT_WORDS.search(text):
            return "data"
        if CODE_WORDS.search(text):
            return "code"
    return None


def _words(placeholder: str) -> str:
    return re.sub(r"[_<>#-]+", " ", placeholder)


def placeholders(contexts: list[LinkContext]) -> list[Promise]:
    """The placeholders among a document's links, with what each stands for."""
    found: list[Promise] = []
    for context in contexts:
        if context.placeholder is None:
            continue
        about = _about(_words(context.placeholder), context.text, context.row,
                       context.header, context.section) or "code"
        shown = f"[{context.text}]({context.placeholder})" if context.text \
            else context.placeholder
        found.append(Promise(about, shown, True))
    return found[:MAX_PROMISES]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def promises(text: str) -> list[Promise]:
    """Sentences of a README that promise a future release, with what they promise."""
    found: list[Promise] = []
    for sentence in _sentences(text):
        if any(pattern.search(sentence) for pattern in PROMISE_PATTERNS):
            about = _about(sentence)
            if about is not None:
                found.append(Promise(about, " ".join(sentence.split())[:200], False))
        if len(found) >= MAX_PROMISES:
            break
    return found
