"""The labelled incident texts kept in the repository, and their deterministic held-out split."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from apps.incidents.taxonomy import Category, Urgency

DATA_FILE = Path(__file__).resolve().parent / "data" / "incidents.csv"
TEST_SHARE = 0.2
SPLIT_SEED = 20250605  # fixed: the held-out set is the same on every machine and every run


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    urgency: str


def examples_load(path: Path = DATA_FILE) -> list[Example]:
    """Every row, checked: an unknown label stops training instead of teaching the model nonsense."""
    examples = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            text, category, urgency = (row.get(key, "").strip() for key in ("text", "category", "urgency"))
            if category not in Category.values or urgency not in Urgency.values or not text:
                raise ValueError(f"{path.name} line {line}: bad row {row!r}")
            examples.append(Example(text, category, urgency))
    return examples


def dataset_hash(path: Path = DATA_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def examples_split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Train and held-out examples, stratified by category with a fixed seed."""
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(examples, test_size=TEST_SHARE, random_state=SPLIT_SEED,
                                   stratify=[example.category for example in examples])
    return list(train), list(test)
