"""Recall and precision of the news claim reader on real articles with hand-labelled price claims.

Run: .venv/bin/python bench/news_claims.py [FOLDER] [--verbose]
     (FOLDER holds labels.json and texts/; it defaults to tests/fixtures/news_articles, a copy of the
     team's shared/fixtures/news_articles; --verbose lists every claim missed and every false claim)

Scoring, as labels.json's `_about` states it:
  recall     the labelled 'must' claims some reported claim matches, over all 'must' claims;
  precision  the reported claims that match a labelled claim ('must' or 'optional'), over all reported.
A reported claim matches a label when its model is one of the label's spellings (case, spaces, hyphens and
underscores aside), its kind is the label's (a label without a kind takes any), its currency and its new
price per 1M tokens are the label's (free is 0, in any currency), and its old price is the label's 'old'
where the label requires one, absent or the label's 'old?' where that is optional, and absent where the
label gives none.

The held-out set (tests/fixtures/news_heldout, sentences the team wrote, each text inline in labels.json
as 'text') is scored the same way: .venv/bin/python bench/news_claims.py tests/fixtures/news_heldout
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from monitor.news import Claim, extract_claims

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "news_articles"


def _name(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.lower())


def matches(claim: Claim, label: dict[str, Any]) -> bool:
    """Whether a reported claim is the labelled one (the rules in this module's docstring)."""
    if _name(claim.model) not in {_name(alias) for alias in label["model"]}:
        return False
    if "kind" in label and claim.kind != label["kind"]:
        return False
    if claim.new_per_million != Decimal(str(label["new"])):
        return False
    if claim.currency != label["currency"] and not (claim.free and claim.new_per_million == 0):
        return False  # free is free in any currency
    if "old" in label:
        return claim.old_per_million == Decimal(str(label["old"]))
    if "old?" in label:
        return claim.old_per_million in (None, Decimal(str(label["old?"])))
    return claim.old_per_million is None


@dataclass
class ArticleScore:
    name: str
    must: int
    found: int  # 'must' claims matched
    reported: int
    right: int  # reported claims that match a label
    missed: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[Claim] = field(default_factory=list)


def score_article(name: str, text: str, labels: dict[str, Any]) -> ArticleScore:
    claims = extract_claims(text)
    must, optional = labels["must"], labels["optional"]
    missed = [label for label in must if not any(matches(claim, label) for claim in claims)]
    wrong = [claim for claim in claims if not any(matches(claim, label) for label in must + optional)]
    return ArticleScore(
        name, len(must), len(must) - len(missed), len(claims), len(claims) - len(wrong), missed, wrong
    )


def score_folder(folder: Path = DEFAULT) -> list[ArticleScore]:
    """Every labelled article of a folder (labels.json beside texts/, or its text inline as 'text')."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return [
        score_article(
            name, article.get("text") or (folder / "texts" / name).read_text(encoding="utf-8"), article
        )
        for name, article in labels.items()
        if not name.startswith("_")
    ]


def totals(scores: list[ArticleScore]) -> tuple[float, float]:
    """(recall, precision) over all articles together."""
    must = sum(s.must for s in scores)
    reported = sum(s.reported for s in scores)
    recall = sum(s.found for s in scores) / must if must else 1.0
    precision = sum(s.right for s in scores) / reported if reported else 1.0
    return recall, precision


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "  - "


def main(argv: list[str]) -> None:
    verbose = "--verbose" in argv
    folders = [arg for arg in argv if not arg.startswith("--")]
    scores = score_folder(Path(folders[0]) if folders else DEFAULT)
    header = ("article", "must", "found", "recall", "reported", "right", "precision")
    print("{:<28} {:>4} {:>5} {:>6} {:>8} {:>5} {:>9}".format(*header))
    for s in scores:
        print(
            f"{s.name:<28} {s.must:>4} {s.found:>5} {_ratio(s.found, s.must):>6} {s.reported:>8} "
            f"{s.right:>5} {_ratio(s.right, s.reported):>9}"
        )
        if verbose:
            for label in s.missed:
                print(f"    missed: {json.dumps(label, ensure_ascii=False)}")
            for claim in s.wrong:
                old = f"{claim.old_per_million} -> " if claim.old_per_million is not None else ""
                print(f"    false:  {claim.model} {claim.kind} {old}{claim.new_per_million} {claim.currency}")
                print(f"            {claim.quote[:120]}")
    recall, precision = totals(scores)
    must, found = sum(s.must for s in scores), sum(s.found for s in scores)
    reported, right = sum(s.reported for s in scores), sum(s.right for s in scores)
    print(f"{'total':<28} {must:>4} {found:>5} {recall:>6.2f} {reported:>8} {right:>5} {precision:>9.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
