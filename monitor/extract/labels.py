"""What labels say: the kind of a price, its tier and condition, and a model's name and status.

Headers, row labels and cell prefixes all go through these, so a tier written '32k<输入<=128k',
'(32K,128K]' or '32K-128K' is the same tier wherever it stands.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from monitor.normalize import clean_text, find_dates

# The kind of price a label names; order matters (cache miss before cache hit before input).
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), kind)
    for pattern, kind in (
        (r"\b5\s*m(?:in\w*)?\s*batch\s*cache\s*writes?", "batch_cache_write_5m"),
        (r"\b1\s*h(?:our)?\s*batch\s*cache\s*writes?", "batch_cache_write_1h"),
        (r"batch\s*cache\s*writes?", "batch_cache_write"),
        (r"batch\s*cache\s*(?:hits?|reads?)", "batch_cached_input"),
        (r"(?:输入命中缓存|缓存命中|cached\s*input)\w*\[?(?:批量|batch)", "batch_cached_input"),
        (r"batch\w*\s*input|批量\w*输入|批处理\w*输入|输入\w*\[?批量", "batch_input"),
        (r"batch\w*\s*output|批量\w*输出|批处理\w*输出|输出\w*\[?批量", "batch_output"),
        (r"\b5\s*m(?:in\w*)?\s*cache\s*writes?|cache\s*writes?\s*\(?5\s*m", "cache_write_5m"),
        (r"\b1\s*h(?:our)?\s*cache\s*writes?|cache\s*writes?\s*\(?1\s*h", "cache_write_1h"),
        (r"cache\s*writes?|caching\W+write|缓存写入|写入缓存|缓存创建|创建缓存", "cache_write"),
        (r"cache\s*miss|缓存未命中|未命中缓存", "input"),
        # 'Tuning for 1M training tokens', 'Price (/1M training tokens)', 'Supervised fine-tuning'
        (r"training|fine-?tuning|\btuning\b|训练|微调", "training"),
        (
            r"cache\s*(?:hits?|reads?)|caching\W+read|cached\s*input|缓存命中|命中缓存|缓存输入|缓存读取?",
            "cached_input",
        ),
        (r"\binput\b|\bprompt\b|输入", "input"),
        (r"\boutput\b|\bcompletion\b|输出", "output"),
    )
)
_DIGIT = re.compile(r"\d")
_MODALITIES = ("audio", "image", "video", "音频", "图片", "视频")
_MODALITY_NAMES = {"音频": "audio", "图片": "image", "视频": "video"}  # kinds are written in English
# a limit on the model: 'Max input tokens', '最大输入', '最长思维链', 'input token limit', '上下文长度'
LIMIT = re.compile(r"最大|最长|最多|上限|限制|\bmax(?:imum)?\b|\blimit\b|context (?:window|length)", re.I)

# -- tiers ---------------------------------------------------------------------------------------

_N = r"(?<![\d.])(\d+(?:\.\d+)?)\s*([KkMm万千])?"
_SUBJECT = (
    r"(?:\s*(?:(?:输入长度|输入|上下文|input(?:\s+length)?|context|prompt)\s*(?:tokens?)?|tokens?)\s*)?"
)
# 32k<输入<=128k, 0 < input ≤ 32K
_RANGE_COMPARED = re.compile(rf"{_N}\s*(?:<|＜|‹)=?{_SUBJECT}(?:<=|≤|<|＜|‹)\s*{_N}", re.I)
# (32K,128K], [0, 32k)
_RANGE_BRACKETED = re.compile(rf"[(\[（]\s*{_N}\s*[,，]\s*{_N}\s*[)\]）]")
# 0-32K, 32K~128K (the upper bound says K or M, so a version number is never a tier)
_RANGE_DASHED = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*([KkMm])?\s*(?:-|~|～|–|—)\s*(\d+(?:\.\d+)?)\s*([KkMm])\b"
)
# <= 200K input tokens, 输入<=32k, > 128K
_BOUND = re.compile(
    rf"(<=|=<|≤|>=|=>|≥|<|＜|>|＞){_SUBJECT}\s*{_N}(?:\s*(?:input|context|输入)?\s*tokens?)?", re.I
)
# above 200K tokens, over 128k, up to 32K
_BOUND_WORDS = re.compile(
    rf"\b(above|over|more than|up to|below|under)\s+{_N}\s*(?:(?:input|context)\s+)?tokens?", re.I
)
_BOUND_CJK = re.compile(
    rf"{_N}\s*(?:tokens?)?\s*(以内|以下|以上|及以上)|(超过|大于|小于|不超过)\s*{_N}", re.I
)
# 32k+, [32k+), 长度 512K+: from a bound up, with no upper one
_RANGE_OPEN = re.compile(r"(?<![\w.])[\[(（]?\s*(\d+(?:\.\d+)?)\s*([KkMm万千])\s*\+\s*[)\]）]?")
_TIER_FORMS = (
    _RANGE_COMPARED,
    _RANGE_BRACKETED,
    _RANGE_DASHED,
    _BOUND,
    _BOUND_WORDS,
    _BOUND_CJK,
    _RANGE_OPEN,
)

# -- conditions and names ------------------------------------------------------------------------

# A label that says when a price applies (DeepSeek's PEAK / OFF-PEAK rows).
CONDITION = re.compile(
    r"(?:off[- ]?)?peak|高峰|低峰|低谷|峰时|谷时|闲时|忙时|夜间|日间"
    r"|(?:非)?思考模式|(?:non-?)?thinking(?: mode)?",
    re.I,
)
DISCOUNT = re.compile(r"(\d+(?:\.\d+)?\s*%\s*off|\d+(?:\.\d+)?\s*折)", re.I)
FREE_PROMO = re.compile(r"限时免费|免费|\bfree\b", re.I)
# A storage price (a context cache kept per hour): 'Storage (M tok-hour)', '缓存存储[每小时]'
STORAGE = re.compile(r"\bstorage\b|缓存存储", re.I)
# the unit of a storage price is the stored unit per hour
HOURLY = {
    "tokens": "token-hours",
    "characters": "character-hours",
    "image": "image-hours",
    "second": "second-hours",
}
_FOOTNOTE = re.compile(r"(?<=\S)\s*(?:\(\d{1,2}\)|\[\d{1,2}\]|\*+)(?=\s|$|\))")


@lru_cache(maxsize=8192)
def kind_of(label: str) -> str | None:
    """The kind of price a label names; a tier phrase ('<= 200K input tokens') does not count."""
    label = clean_text(label)
    if len(label) > 300:
        return None  # a paragraph names kinds in passing
    if LIMIT.search(label):
        return None  # '最大输入', 'Max input tokens': a limit on the model, not a price
    if _DIGIT.search(label):  # every tier form holds a figure
        for form in _TIER_FORMS:
            label = form.sub(" ", label)
    for pattern, kind in _KINDS:
        if pattern.search(label):
            return kind
    return None


@lru_cache(maxsize=8192)
def row_kind(label: str) -> str | None:
    """'Input (audio)' -> input_audio, 'Image Output' -> output_image, 'Text output (...)' -> output,
    '1M input video/image tokens' -> input_image_video."""
    # a type label names its kind early ('Text output (response …)', 'The number of input characters');
    # a description names one in passing ('Generate music from a text prompt')
    words = re.sub(r"[(（][^)）]*[)）]", " ", label).split()
    kind = kind_of(label) if len(label) <= 60 and kind_of(" ".join(words[:5])) else None
    if kind is None:
        return None
    return with_modality(kind, label)


def with_modality(kind: str, label: str) -> str:
    """'input' under 'Input (audio)' / '输入(音频)' -> input_audio; 'non-audio' (非音频) and text say none."""
    lowered = label.lower()
    found = list(dict.fromkeys(_MODALITY_NAMES.get(m, m) for m in _MODALITIES if m in lowered))
    negated = re.search(r"非\s*(?:音频|图片|视频)|non-?\s*(?:audio|image|video)", lowered)
    if found and not negated and "text" not in lowered and "文本" not in lowered:
        return f"{kind}_{'_'.join(found)}"  # 'input video/image tokens' -> input_image_video
    return kind


@lru_cache(maxsize=8192)
def tier_of(label: str) -> str:
    """The context-length tier a label states, as '<=32K', '32K-128K' or '>128K'; '' where none."""
    text = clean_text(label)
    if len(text) > 300:
        return ""  # a paragraph, no label
    for form in (_RANGE_COMPARED, _RANGE_BRACKETED, _RANGE_DASHED):
        match = form.search(text)
        if match:
            low, low_unit, high, high_unit = match.groups()
            return f"{_size(low, low_unit or high_unit)}-{_size(high, high_unit)}"
    match = _BOUND.search(text)
    if match:
        op = {"≤": "<=", "=<": "<=", "≥": ">=", "=>": ">=", "＜": "<", "＞": ">"}.get(
            match.group(1), match.group(1)
        )
        return f"{op}{_size(match.group(2), match.group(3))}"
    match = _BOUND_WORDS.search(text)
    if match:
        op = ">" if match.group(1).lower() in ("above", "over", "more than") else "<="
        return f"{op}{_size(match.group(2), match.group(3))}"
    match = _RANGE_OPEN.search(text)
    if match:
        # '[32k+)' includes 32K; a bare '32k+' follows '(0, 32k]', which did
        op = (
            ">="
            if re.search(r"[\[(（]\s*$", text[: match.start() + 1]) or match.group(0).lstrip().startswith("[")
            else ">"
        )
        return f"{op}{_size(match.group(1), match.group(2))}"
    match = _BOUND_CJK.search(text)
    if match:
        if match.group(1):
            op = "<=" if match.group(3) in ("以内", "以下") else ">"
            return f"{op}{_size(match.group(1), match.group(2))}"
        op = ">" if match.group(4) in ("超过", "大于") else "<="
        return f"{op}{_size(match.group(5), match.group(6))}"
    return ""


_RANGE_SUBJECT = re.compile(
    r"(输入长度|输出长度|输入|输出|input|output)?\s*[(\[（]\s*(\d+(?:\.\d+)?)\s*(?:[,，]\s*(\d+(?:\.\d+)?|\+?∞|\+?inf)"
    r"|(\+))\s*[)\]）]",
    re.I,
)


def tiers_of(label: str, unit: str = "") -> str:
    """Length ranges with their subject, both dimensions: '输入长度 [0, 32] 且输出长度 (0.2,+∞)' with unit
    K -> '0-32K, output >0.2K'. '' where the label states no range."""
    parts = []
    for subject, low, high, plus in _RANGE_SUBJECT.findall(clean_text(label)):
        side = "output " if subject and subject.lower().startswith(("输出", "output")) else ""
        if plus:  # '[32+)': from 32 up
            parts.append(f"{side}>={_size(low, unit)}")
        elif high.lstrip("+") in ("∞", "inf"):
            parts.append(f"{side}>{_size(low, unit)}")
        else:
            parts.append(f"{side}{_size(low, unit)}-{_size(high, unit)}")
    return ", ".join(parts)


def split_tiers(text: str) -> list[tuple[str, str]] | None:
    """'输入<=32k：输入 6 元 …<br>32k<输入<=128k：输入 …' -> [('<=32K', '输入 6 元 …'), ('32K-128K', …)]."""
    flat = clean_text(text.replace("\n", " ； "))
    starts = [
        (m.start(), m.end())
        for m in re.finditer(r"[^:：；;，,]{1,40}?[:：]", flat)
        if tier_of(m.group(0)) and re.search(r"\d", flat[m.end() :])
    ]
    if len(starts) < 2:
        return None
    parts = []
    for k, (start, end) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else len(flat)
        parts.append((tier_of(flat[start:end]), flat[end:stop].strip(" ;；,，")))
    return parts


def _size(number: str, unit: str | None) -> str:
    """'32', 'k' -> '32K'; '128000' -> '128K'; '3.2', '万' -> '32K'."""
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
        return number
    unit = (unit or "").upper()
    if value == 0:
        return "0"
    if unit == "万":
        value, unit = value * 10, "K"
    elif unit == "千":
        unit = "K"
    elif not unit and value >= 1000 and value % 1000 == 0:
        value, unit = value / 1000, "K"
    return f"{value.normalize():f}{unit}"


# a title or heading that names one model: letters and a digit, short, no sentence ('doubao-seed-1.6',
# 'kimi-k2', '## GLM-4.5')
MODEL_TITLE = re.compile(r"^(?=.*[A-Za-z\u4e00-\u9fff])(?=.*\d)[\w .:/+()（）-]{2,40}$")
# a line about prices ('Prices per 1M tokens unless noted.', '价格单位：元', 'CLAUDE 3 PRICING'): it may state
# the page's unit, and it is never a model's name
ABOUT_PRICES = re.compile(r"\bpric(?:e|es|ing)\b|\bcosts?\b|价格|计费|单价|定价|费用|収費|料金", re.I)


PRICING_WORD = re.compile(r"\s*(?:pricing|prices?|价格|定价)\s*$", re.I)
# a section that names no condition: the page's main table beside its variants, or a heading of no meaning
GENERIC_SECTION = re.compile(r"models?|模型|standard|标准|default|regular|常规|overview|概览|api|")


# a heading's place in the page's outline ('1. ', '2.3) ', '一、', '（二）'): where it stands, not what
# it says
_OUTLINE_NUMBER = re.compile(
    r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)、]\s+|[一二三四五六七八九十]{1,3}、\s*|[（(][一二三四五六七八九十\d]{1,3}[)）]\s*)(?=\S)"
)


def heading_text(heading: str) -> str:
    """A heading's words without its outline number: '2. Fast mode pricing' -> 'Fast mode pricing'
    (numbering the sections of a page renames none of them)."""
    number = _OUTLINE_NUMBER.match(heading)  # (anchored at the start: the one place it can be)
    return heading[number.end() :] if number else heading


def section_topic(heading: str) -> str:
    """What a heading says a table's prices are ('Fast mode pricing' -> 'fast mode'), '' where it says
    nothing ('Model pricing', 'Overview')."""
    said = PRICING_WORD.sub("", heading).strip(" :：>*#").lower()
    return "" if GENERIC_SECTION.fullmatch(said) else said


# a status, in any phrasing: '(deprecated)', '(retiring 2026-08-31)', '（2026-08-31 下线）', '即将下线'
_STATUS_WORDS = re.compile(
    r"deprecat|retir|legacy|sunset|end[- ]of[- ]life|\beol\b|discontinu|preview|\bbeta\b|\blatest\b|\bnew\b"
    r"|availab|coming soon|下线|上线|停用|停止服务|废弃|弃用|退役|推荐|最新|新品|^新$|公测|内测",
    re.I,
)
# a badge that says something about the price, not the model: '（限时2.5折）', '永久五折', '(50% off)'
_BADGE_WORDS = re.compile(
    r"折|%\s*off|\boff\b|限时|免费|\bfree\b|优惠|特惠|discount|promo|\bsale\b|热门|\bhot\b", re.I
)
_TRAILING_NOTE = re.compile(r"\s*(?:[(（\[【]\s*([^()（）\[\]【】]{1,40}?)\s*[)）\]】])\s*$")
_TRAILING_WORD = re.compile(r"\s+(新品|新|推荐|热门|\S{0,4}折|new|hot)\s*$", re.I)
_LEADING_TAG = re.compile(r"^\s*[\[【]\s*([A-Za-z][\w .-]{0,20})\s*[\]】]\s*(?=\S)")


# a line that can be a model's name: short, no sentence punctuation
_NAME_LINE = re.compile(r"^[^\s，。,;；:：!?！？]+(?:\s[^\s，。,;；:：!?！？]+){0,5}$")
# lines below a name that are about the model, not more of its name: a quote, a sentence, a date,
# a status ('> 当前与qwen-max-2024-09-19能力相同', '适合复杂任务，能力最强', 'through August 31, 2026')
_ABOUT_MODEL = re.compile(r"^>|[，。,;；:：!?！？、]|\d{4}|\s\S+\s\S+\s|[\u4e00-\u9fff]{6}")
# 'new千问Max', '新品 GLM-5': a badge glued before the name
_LEADING_BADGE = re.compile(r"^(new|hot|新品|热门|推荐)(?=[\u4e00-\u9fff]|\s)\s*", re.I)
# a status stated on a line below the name ('> 即将下线', 'Deprecated on 2026-01-01')
_STATUS_LINE = re.compile(
    r"[^>。.;；]*(?:deprecat|retir|legacy|sunset|discontinu|下线|停用|停止服务|废弃|弃用|退役)[^。.;；]*",
    re.I,
)


def split_model(text: str) -> tuple[str, str, str]:
    """A model's name, its status and a badge's note, apart: 'Hy3 preview （2026-08-31 下线）' ->
    ('Hy3 preview', '2026-08-31 下线', ''); 'DeepSeek-V4-Pro（限时2.5折）' -> ('DeepSeek-V4-Pro', '',
    '限时2.5折'); '[OPENAI]GPT OSS 120B' -> ('GPT OSS 120B', '', 'OPENAI'). Footnote marks and bold go.
    What a note beside the name says is never part of the name: a page that rewords it keeps the
    model's identity."""
    lines = [clean_text(line) for line in text.splitlines() if clean_text(line)]
    rest = ""
    if len(lines) > 1 and all(_MODEL_ID.match(line) for line in lines):
        lines = [" / ".join(lines)]  # 'deepseek-chat<br>deepseek-reasoner': two models, one price
    elif len(lines) > 1 and _NAME_LINE.match(lines[0]) and _ABOUT_MODEL.search(" ".join(lines[1:])):
        # 'qwen-max<br>> 当前与qwen-max-2024-09-19能力相同<br>> Batch调用 半价', 'new千问Max<br>适合复杂任务':
        # the name, then lines about the model
        rest = " ".join(lines[1:])
        lines = lines[:1]
    # an ordered list's or a numbered heading's number ('3. Opus 4.7') is where the name stands
    name = clean_text(" ".join(lines))
    if "(" in name or "[" in name or "*" in name:  # every footnote mark holds one of these
        name = _FOOTNOTE.sub("", name)
    name = heading_text(name)
    status: list[str] = []
    notes: list[str] = []
    lead = _LEADING_BADGE.match(name)
    if lead:
        status.append(lead.group(1).lower())
        name = name[lead.end() :]
    below = _STATUS_LINE.search(rest) if rest else None
    if below:
        status.append(below.group(0).strip(" >()（）").lower())
    tag = _LEADING_TAG.match(name)
    if tag:
        notes.append(tag.group(1))
        name = name[tag.end() :]
    while True:
        # a trailing note ends in a closing bracket; a trailing word follows a space
        bracketed = ")" in name or "）" in name or "]" in name or "】" in name
        spaced = name.split() != [name]  # (a name with no whitespace splits into itself)
        match = (_TRAILING_NOTE.search(name) if bracketed else None) or (
            _TRAILING_WORD.search(name) if spaced else None
        )
        if match is None or match.start() == 0:
            break
        said = match.group(1).strip()
        if _STATUS_WORDS.search(said):
            status.insert(0, said.lower())
        elif _BADGE_WORDS.search(said):
            notes.insert(0, said)
        else:
            break  # '(Global)', '(us-east5)', '(2024-08-06)': part of what is priced
        name = name[: match.start()]
    return name.strip(" *:："), "; ".join(status), "; ".join(notes)


def clean_model(text: str) -> tuple[str, str]:
    """A model's name without footnote marks, bold or badges, and its status note apart."""
    name, status, _note = split_model(text)
    return name, status


_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_TRAILING_VERSION = re.compile(r"\s\d+(?:\.\d+)*$")


# a model's id: one word of letters with digits or hyphens ('deepseek-chat', 'qwen3-max', 'gpt-4o')
_MODEL_ID = re.compile(r"^(?=[^\s]*[A-Za-z])(?=[^\s]*[\d-])[\w.:/@-]{2,60}$")


_SHORT_ID = re.compile(r"^[A-Za-z]{1,3}\d+(?:\.\d+)?$")  # 'V3', 'R1', 'o3'


_NAMES_APART = re.compile(r" / |、")


def model_names(name: str) -> list[str]:
    """'Claude Sonnet 4.6 / 4.5 / 4' -> the three models it lists; 'deepseek-chat / deepseek-reasoner'
    and 'qwen-max、qwen-plus' -> the two ids; any other name is itself."""
    if " / " not in name and "、" not in name:
        return [name]  # one name (most rows): nothing to split
    parts = [part.strip() for part in _NAMES_APART.split(name)]
    ids = len(parts) >= 2 and all(_MODEL_ID.match(p) or _SHORT_ID.match(p) for p in parts[1:])
    if ids and _MODEL_ID.match(parts[0]):
        # 'DeepSeek-R1 / V3': a short form takes the first name's stem ('DeepSeek-V3')
        stem = parts[0].rsplit("-", 1)[0] + "-" if "-" in parts[0] else ""
        return [parts[0], *(f"{stem}{p}" if _SHORT_ID.match(p) else p for p in parts[1:])]
    parts = [part.strip() for part in name.split(" / ")]
    if len(parts) < 2 or not all(_VERSION.match(p) for p in parts[1:]):
        return [name]
    stem = _TRAILING_VERSION.sub("", parts[0])
    if stem == parts[0]:
        return [name]  # 'GPT / 4' names no version of a model
    return [parts[0], *(f"{stem} {version}" for version in parts[1:])]


def models_named_in(text: str, known: list[str]) -> tuple[str, ...]:
    """The known models a sentence names, in the order they are known: 'Claude Sonnet 4 or Sonnet 4.5'
    names 'Claude Sonnet 4' and 'Claude Sonnet 4.5' (a name may drop its first word, the brand)."""
    found = []
    for model in known:
        words = model.split()
        forms = [model] + ([" ".join(words[1:])] if len(words) > 2 else [])
        for form in forms:
            # whole words, and '4' is not the start of '4.5'
            if re.search(rf"(?<![\w.]){re.escape(form)}(?![\w]|\.\d)", text):
                found.append(model)
                break
    return tuple(found)


# -- dates ---------------------------------------------------------------------------------------

_UNTIL_BEFORE = re.compile(r"(?:until|through|thru|till|ends?|ending|expires?|截至|截止|至|到)\W{0,3}$", re.I)
_FROM_BEFORE = re.compile(
    r"(?:from|starting|starts|start|effective|take effect|takes effect|beginning|as of)\b[^.。]{0,20}$", re.I
)
_FROM_AFTER = re.compile(r"^[^.。,，]{0,12}?(?:起|开始|生效)")
_UNTIL_AFTER = re.compile(r"^[^.。,，]{0,6}?(?:截止|结束|止|为止)")


@lru_cache(maxsize=4096)  # asked of every price cell and every model's name; pages repeat their cells
def date_phrase(text: str) -> str:
    """'through August 31, 2026' -> 'until 2026-08-31'; 'take effect … on August 16, 2026' or
    '2025年3月31日开始' -> 'from 2026-08-16'. A date with no such word says nothing: ''."""
    flat = clean_text(text)
    for start, end, when in find_dates(flat):
        before, after = flat[max(0, start - 60) : start], flat[end:]
        if _UNTIL_BEFORE.search(before) or _UNTIL_AFTER.match(after):
            return f"until {when}"
        if _FROM_BEFORE.search(before) or _FROM_AFTER.match(after):
            return f"from {when}"
    return ""
