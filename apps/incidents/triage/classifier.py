"""The default triage model: TF-IDF word and character n-grams and a logistic regression per head
(category and urgency), trained in a second or two from the labelled set in the repository.

The model file is not committed (a pickle ties it to one scikit-learn version): it is trained at
first use and kept under `CT_INCIDENT_TRIAGE_MODEL_DIR`; a file trained from other data or another
scikit-learn is ignored and rebuilt. `manage.py triage_train` rebuilds it on purpose.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apps.incidents import conf
from apps.incidents.triage.dataset import DATA_FILE, Example, dataset_hash, examples_load, examples_split

logger = logging.getLogger(__name__)
FAMILY = "tfidf-logreg"
FILE_NAME = "incident-triage.joblib"
WHY_WORDS = 4
_lock = threading.Lock()
_cached: TriageModel | None = None
_versions: dict[tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class Prediction:
    category: str
    category_confidence: float
    urgency: str
    urgency_confidence: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class HeadReport:
    accuracy: float
    macro_f1: float
    support: int


def _pipeline(*, c: float, solver: str) -> Any:
    """Word uni- and bigrams (they make the "why") plus character n-grams (they absorb spelling,
    plurals and run-together words such as "shoplifter" / "shop lifter")."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  strip_accents="unicode")),
    ])
    return Pipeline([("features", features),
                     ("model", LogisticRegression(C=c, solver=solver, max_iter=5000, class_weight="balanced"))])


class TriageModel:
    """Two text classifiers and the version that names them in every logged suggestion."""

    def __init__(self, category: Any, urgency: Any, version: str, trained_on: int) -> None:
        self.category = category
        self.urgency = urgency
        self.version = version
        self.trained_on = trained_on

    def predict(self, text: str, *, categories: tuple[str, ...] = ()) -> Prediction:
        """Best category (among `categories` when given) and urgency, with probabilities and the words
        that pushed hardest towards the chosen category."""
        cat_probs = self.category.predict_proba([text])[0]
        classes = list(self.category.classes_)
        allowed = [i for i, label in enumerate(classes) if not categories or label in categories]
        best = max(allowed, key=lambda i: cat_probs[i])
        urg_probs = self.urgency.predict_proba([text])[0]
        urg_best = int(urg_probs.argmax())
        return Prediction(category=classes[best], category_confidence=float(cat_probs[best]),
                          urgency=str(self.urgency.classes_[urg_best]), urgency_confidence=float(urg_probs[urg_best]),
                          why=self._why(text, best))

    def categorize(self, texts: list[str], *, categories: tuple[str, ...] = ()) -> list[tuple[str, float]]:
        """Best category (among `categories` when given) and its probability for each text, in one
        pass over all of them: the sync projector triages a whole batch of Odoo's incidents at once."""
        if not texts:
            return []
        from apps.incidents.triage.features import pipeline_proba

        classes = list(self.category.classes_)
        allowed = [i for i, label in enumerate(classes) if not categories or label in categories]
        probs = pipeline_proba(self.category, texts)[:, allowed]
        best = probs.argmax(axis=1)  # the first of equals, as max() picks
        return [(str(classes[allowed[column]]), float(row[column])) for row, column in zip(probs, best, strict=True)]

    def _why(self, text: str, class_index: int) -> tuple[str, ...]:
        words = self.category.named_steps["features"].transformer_list[0][1]
        model = self.category.named_steps["model"]
        row = words.transform([text]).tocoo()
        names = words.get_feature_names_out()
        weights = model.coef_[class_index][: len(names)]  # the word block comes first in the union
        scored = sorted(((value * weights[col], names[col]) for col, value in zip(row.col, row.data, strict=True)),
                        reverse=True)
        chosen: list[str] = []
        for score, word in scored:
            if score <= 0 or len(chosen) == WHY_WORDS:
                break
            if not any(word in kept or kept in word for kept in chosen):
                chosen.append(str(word))
        return tuple(chosen)


def model_train(examples: list[Example], *, version: str) -> TriageModel:
    texts = [example.text for example in examples]
    category, urgency = _pipeline(c=10.0, solver="saga"), _pipeline(c=1.0, solver="lbfgs")
    category.fit(texts, [example.category for example in examples])
    urgency.fit(texts, [example.urgency for example in examples])
    return TriageModel(category, urgency, version=version, trained_on=len(examples))


def model_evaluate(model: TriageModel, examples: list[Example]) -> dict[str, HeadReport]:
    from sklearn.metrics import accuracy_score, f1_score

    texts = [example.text for example in examples]
    reports = {}
    for head, pipeline in (("category", model.category), ("urgency", model.urgency)):
        truth = [getattr(example, head) for example in examples]
        predicted = list(pipeline.predict(texts))
        reports[head] = HeadReport(accuracy=float(accuracy_score(truth, predicted)),
                                   macro_f1=float(f1_score(truth, predicted, average="macro")), support=len(truth))
    return reports


def model_version(data_file: Path = DATA_FILE) -> str:
    """Names the data and scikit-learn a model was trained with. The hash is kept per file state:
    `model_if_ready` asks on every sync batch, and hashing the labelled set each time costs more than
    the batch."""
    import sklearn

    stat = data_file.stat()
    key = (str(data_file), stat.st_mtime_ns, stat.st_size)
    if key not in _versions:
        _versions[key] = f"local-{FAMILY}-{dataset_hash(data_file)[:10]}-sk{sklearn.__version__}"
    return _versions[key]


def model_path() -> Path:
    return Path(conf.TRIAGE_MODEL_DIR) / FILE_NAME


def model_build(data_file: Path = DATA_FILE) -> TriageModel:
    """Train on the training part of the labelled set (the held-out part is only for evaluation)."""
    train, _ = examples_split(examples_load(data_file))
    return model_train(train, version=model_version(data_file))


def model_save(model: TriageModel, path: Path | None = None) -> Path:
    import joblib

    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    joblib.dump(model, temporary)
    temporary.replace(path)  # atomic: a reader never sees half a file
    return path


def _load(path: Path, version: str) -> TriageModel | None:
    import joblib

    if not path.exists():
        return None
    try:
        model = joblib.load(path)  # our own file, written by model_save under the portal's var dir
    except Exception:
        logger.warning("Triage model %s could not be loaded; retraining", path, exc_info=True)
        return None
    return model if isinstance(model, TriageModel) and model.version == version else None


def model_get() -> TriageModel:
    """The process's model: loaded from its file when it matches the data, else trained and saved."""
    global _cached
    with _lock:
        version = model_version()
        if _cached is not None and _cached.version == version:
            return _cached
        model = _load(model_path(), version)
        if model is None:
            model = model_build()
            try:
                model_save(model)
            except OSError:
                logger.warning("Triage model could not be saved; it stays in memory", exc_info=True)
        _cached = model
        return model


def model_forget() -> None:
    global _cached
    with _lock:
        _cached = None


def model_if_ready() -> TriageModel | None:
    """The model if it is in memory or on disk, never training: for callers that must not wait."""
    global _cached
    with _lock:
        version = model_version()
        if _cached is not None and _cached.version == version:
            return _cached
        _cached = _load(model_path(), version) or _cached
        return _cached if _cached is not None and _cached.version == version else None
