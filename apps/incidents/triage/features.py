"""The triage model's features for many titles at once, the same numbers computed with less work.

Most of the model's time goes to its character n-grams: scikit-learn cuts each title into some 150
pieces and looks each one up in Python. Those n-grams never cross a word boundary (`char_wb`), so a
title's counts are the sum of its words' counts, and titles share words ("freezer", "aisle", "till").
`union_transform` counts each distinct word once (kept for the life of the fitted vectorizer) and
adds words up per title; the TF-IDF weighting, the word n-grams and the classifier are scikit-learn's
own, so the probabilities are those of `pipeline.predict_proba` (tests compare them bit for bit).
Any other pipeline shape goes through scikit-learn unchanged.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

_WORDS: weakref.WeakKeyDictionary[Any, dict[str, tuple[list[int], list[int]]]] = weakref.WeakKeyDictionary()
_SPACES = re.compile(r"\s\s+")  # scikit-learn's `_white_spaces`
MEMO_WORDS = 50_000  # words remembered per vectorizer (numbers and names keep coming): then it starts over


def _fast_enough(vectorizer: Any) -> bool:
    return (getattr(vectorizer, "analyzer", None) == "char_wb" and not getattr(vectorizer, "binary", True)
            and hasattr(vectorizer, "_tfidf") and hasattr(vectorizer, "vocabulary_")
            and vectorizer.input == "content")


def _word_counts(vectorizer: Any, word: str) -> tuple[list[int], list[int]]:
    """The vocabulary indices of one word's n-grams and how often each occurs."""
    vocabulary = vectorizer.vocabulary_
    counts: dict[int, int] = {}
    for gram in vectorizer._char_wb_ngrams(word):
        index = vocabulary.get(gram)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    return list(counts), list(counts.values())


def char_wb_transform(vectorizer: Any, texts: list[str]) -> Any:
    """`vectorizer.transform(texts)` for a fitted `TfidfVectorizer(analyzer="char_wb")`: the titles'
    word counts times the words' n-gram counts, one sparse product of integers, then scikit-learn's
    own TF-IDF weighting."""
    import numpy as np
    import scipy.sparse as sp

    memo = _WORDS.setdefault(vectorizer, {})
    if len(memo) > MEMO_WORDS:
        memo.clear()
    preprocess = vectorizer.build_preprocessor()
    local: dict[str, int] = {}  # the batch's distinct words, numbered
    rows: list[int] = []
    columns: list[int] = []
    for row, text in enumerate(texts):
        for word in _SPACES.sub(" ", preprocess(vectorizer.decode(text))).split():
            rows.append(row)
            columns.append(local.setdefault(word, len(local)))
    words = np.ones(len(rows), dtype=np.int64)
    titles = sp.csr_matrix((words, (rows, columns)), shape=(len(texts), len(local)))  # duplicates are summed
    grams_indptr = [0]
    grams_indices: list[int] = []
    grams_counts: list[int] = []
    for word in local:
        found = memo.get(word)
        if found is None:
            found = memo[word] = _word_counts(vectorizer, word)
        grams_indices.extend(found[0])
        grams_counts.extend(found[1])
        grams_indptr.append(len(grams_indices))
    grams = sp.csr_matrix((np.asarray(grams_counts, dtype=np.int64), np.asarray(grams_indices, dtype=np.int32),
                           np.asarray(grams_indptr, dtype=np.int64)),
                          shape=(len(local), len(vectorizer.vocabulary_)))
    counted = sp.csr_matrix((titles @ grams).astype(vectorizer.dtype))
    counted.sort_indices()
    return vectorizer._tfidf.transform(counted, copy=False)


def union_transform(union: Any, texts: list[str]) -> Any:
    """`union.transform(texts)` for a fitted FeatureUnion of text vectorizers, char_wb ones counted by word."""
    import scipy.sparse as sp

    if getattr(union, "transformer_weights", None) or any(
            transformer in ("drop", "passthrough") for _, transformer in union.transformer_list):
        return union.transform(texts)
    blocks = [char_wb_transform(transformer, texts) if _fast_enough(transformer) else transformer.transform(texts)
              for _, transformer in union.transformer_list]
    return sp.hstack(blocks).tocsr()


def pipeline_proba(pipeline: Any, texts: list[str]) -> Any:
    """`pipeline.predict_proba(texts)` for a (features, model) pipeline, with the features above."""
    steps = getattr(pipeline, "named_steps", {})
    if set(steps) != {"features", "model"} or not hasattr(steps["features"], "transformer_list"):
        return pipeline.predict_proba(texts)
    return steps["model"].predict_proba(union_transform(steps["features"], texts))
