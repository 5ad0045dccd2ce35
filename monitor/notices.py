"""Price notices: what a pricing page's own prose announces about its prices, outside its tables.

'We plan to raise the overall pricing ... significant increase expected', '于2025年3月31日开始收费',
'The new prices take effect at 16:00 UTC on August 16': a page can say that its prices will change weeks
before its tables do. A sentence of a page's prose is a notice when it speaks of prices (a price word with
a change word, or a word that is both: 调价, 涨价, 値上げ) and it is new since the last check:

- new words, not new digits or spacing: sentences are compared by a key without digits, spaces and
  markup, so a renumbered footnote ('(2)' -> '(1)'), a date or count changed in place, or a page
  re-wrapped is no notice; a sentence that appears beside an equal one ('于2025年6月30日开始收费' for
  one more product) is, as its key is found more often than before;
- once: a sentence whose exact text the page has shown before (gone and back) is not alerted again;
- on a page read before: the first check of a page remembers its prose and reports none of it, as the
  first check of its prices reports no change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

from monitor.claims import sentences
from monitor.messages import Message, plain_message
from monitor.normalize import clean_text
from monitor.plan import ProseUpdate

# both a price and a change: '调价', '涨价', '値上げ', 'price increase', '开始收费' (a free period ends)
_BOTH = re.compile(
    r"调价|調價|涨价|漲價|降价|降價|提价|提價|优惠结束|優惠結束|优惠期结束|限时优惠|限時優惠|限时免费|限時免費"
    r"|开始收费|開始收費|停止免费|免费期|値上げ|値下げ|価格改定|料金改定|無料期間"
    r"|\bprice (?:increase|hike|cut|change|drop|reduction|adjustment)s?\b",
    re.I,
)
_PRICE = re.compile(
    r"\bpric(?:e|es|ing)\b|\brates?\b(?![\s-]*limit)|\bfees?\b|\bbilling\b|\bcharges?\b|\bdiscounts?\b|\bpromotion(?:al)?\b"
    r"|价格|價格|定价|定價|计费|計費|费用|費用|收费|收費|资费|資費|优惠|優惠|折扣|料金|価格|割引|キャンペーン",
    re.I,
)
_CHANGE = re.compile(
    r"\b(?:rais|increas|hik|cut|reduc|lower|drop|adjust|revis|discontinu|expir|introduc|adopt)\w*"
    r"|\bupdated? to\b|\bends?\b|\bending\b|\beffective\b|\btakes? effect\b|\bstarting\b|\buntil\b"
    r"|\blimited[- ]time\b"
    r"|\bnew (?:prices|pricing|rates)\b"
    r"|上调|上調|下调|下調|上涨|上漲|下降|调整|調整|生效|结束|結束|截止|起执行|起執行|将于|將於"
    r"|変更|改定|終了|適用|引き上げ|引き下げ|期間限定|まで",
    re.I,
)
_TABLE_ROW = re.compile(r"^\s*\|")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_KEY_DROP = re.compile(r"[\d\s*_#`>|]+")
# a date in words changes no more than one in digits: 'until May 1' -> 'until June 30'
_MONTHS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b\.?",
    re.I,
)


def prose(kind: str, text: str) -> list[str]:
    """The sentences of a page's prose: paragraphs and list items, not its tables, scripts, navigation or
    front matter. JSON sources and feeds have none."""
    if kind == "html":
        tree = LexborHTMLParser(text)
        for node in tree.css("script, style, noscript, template, svg, nav, header, footer, table"):
            node.decompose()
        root = tree.body or tree.root
        text = root.text(separator="\n") if root else ""
    elif kind == "markdown":
        text = _FRONT_MATTER.sub("", text)
        text = "\n".join(line for line in text.splitlines() if not _TABLE_ROW.match(line))
    else:
        return []
    return sentences(text)


@lru_cache(maxsize=4096)  # a page read again repeats most of its sentences
def sentence_key(sentence: str) -> str:
    """What makes two sentences the same notice: their words, not their digits, dates, spaces or
    markup."""
    return _KEY_DROP.sub("#", _MONTHS.sub("#", clean_text(sentence).lower()))


def speaks_of_prices(sentence: str) -> bool:
    return bool(_BOTH.search(sentence) or (_PRICE.search(sentence) and _CHANGE.search(sentence)))


def new_notices(previous: Iterable[str] | None, seen: AbstractSet[str], current: list[str]) -> list[str]:
    """The notices among a page's sentences: speaking of prices, found more often than on the last check
    (`previous`: its sentence keys; None where the page was never read: then none) and never shown before
    in this very text (`seen`)."""
    if previous is None:
        return []
    before = Counter(previous)
    counted: Counter[str] = Counter()
    found = []
    for sentence in current:
        key = sentence_key(sentence)
        counted[key] += 1
        if counted[key] > before[key] and sentence not in seen and speaks_of_prices(sentence):
            found.append(sentence)
    return found


def notice_message(provider: str, name: str, url: str, notices: list[str]) -> Message:
    """The alert for a page's new notices: each sentence as the page states it, and where."""
    title = f"{provider} ({name}): price notice on the pricing page"
    body = "\n".join([f"{provider} ({name}) says on its pricing page:", *(f"- {n}" for n in notices), url])
    return plain_message(title, body)


def prose_update(
    provider: str,
    name: str,
    url: str,
    previous: Sequence[str] | None,
    seen: AbstractSet[str],
    current: list[str],
) -> ProseUpdate | None:
    """A fetched pricing page's prose (`current`, as `prose` reads it) against what the page showed before
    (`previous` keys, `seen` sentences): what to record, with its new notices and their alert; None where
    there is nothing to write (no prose, or the same prose)."""
    if not current:
        return None
    keys = [sentence_key(sentence) for sentence in current]
    if previous is not None and keys == list(previous) and set(current) <= seen:
        return None  # the same prose (a page whose bytes changed elsewhere): nothing to write
    notices = new_notices(previous, seen, current)
    alert = notice_message(provider, name, url, notices) if notices else None
    return ProseUpdate(keys, current, notices, alert)
