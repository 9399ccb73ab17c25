"""Self-contained HTML report: one page, inline CSS, no scripts, no external resources.

The page is meant to be mailed to an editor or attached to a CI run, so it must open
offline and must be safe: every string derived from an article (text, titles, URLs,
paths, detector messages that quote spans) goes through :func:`html.escape`, and a
Content-Security-Policy meta tag forbids scripts and remote loads as a second line of
defence. Article URLs become links only for ``http(s)`` schemes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..text.wording import count
from ..types import AuditResult, DocumentResult, Finding, severity_rank
from .common import (
    SEVERITY_CSS,
    SEVERITY_ORDER,
    aligned_source_sentence,
    bead_text,
    by_severity,
    category_counts,
    file_name,
    find_wording,
    fmt_float,
    fmt_pct,
    is_reprint,
    p_breakdown,
    pair_kind,
    severity_counts,
    short_names,
    source_of,
    verdict_basis,
    verdict_tally,
)

SEVERITY_MEANING: dict[str, str] = {
    "critical": "a false, checkable factual claim is introduced",
    "major": "meaning distorted: wrong role, date or figure; quotation unrecoverable",
    "minor": "wording drift, meaning intact",
}

CSS = """
:root{--ink:#1b1b1b;--muted:#5c5f66;--rule:#dcdcdc;--paper:#fff;--bg:#f3f2ee;--accent:#0b3d91}
*{box-sizing:border-box}
html{background:var(--bg)}
body{margin:0;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:break-word}
main{max-width:1200px;margin:0 auto;padding:28px 36px 64px;background:var(--paper);min-height:100vh}
h1,h2,h3{font-family:Georgia,"Times New Roman",serif;font-weight:700;line-height:1.25}
h1{font-size:2rem;margin:0 0 6px;padding-bottom:8px;border-bottom:3px double var(--ink)}
h2{font-size:1.45rem;margin:0 0 4px}
h3{font-size:1.05rem;margin:22px 0 8px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-family:inherit}
a{color:var(--accent)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
.sig{color:var(--muted);margin:4px 0;overflow-wrap:anywhere}
.totals{font-size:1.05rem;margin:10px 0}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:.88rem;color:var(--muted);margin:8px 0 18px}
.legend span.badge{margin-right:4px}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:6px 0 10px}
th{text-align:left;font-weight:600;border-bottom:2px solid var(--ink);padding:6px 8px;vertical-align:bottom}
td{padding:6px 8px;vertical-align:top;border-top:1px solid var(--rule)}
td,th{overflow-wrap:break-word;word-break:normal;hyphens:manual}
.token{overflow-wrap:anywhere}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nowrap{white-space:nowrap}
.muted{color:var(--muted)}
.count{display:inline-block;min-width:1.6em;text-align:center;font-weight:700;border-radius:3px;margin-left:2px}
.count.sev-critical{color:var(--crit)}.count.sev-major{color:var(--major)}.count.sev-minor{color:var(--minor)}
.count.zero{color:#b8b8b8;font-weight:400}
section.article{border-top:4px solid var(--ink);margin-top:40px;padding-top:14px}
.kicker{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin-bottom:2px}
.meta{color:var(--muted);font-size:.9rem;margin:2px 0 8px;word-break:break-word}
.relation{font-size:.95rem;margin:6px 0}
.warning{font-size:.95rem;margin:6px 0;padding:6px 10px;border-left:4px solid #b26a00;background:#fff6e0;overflow-wrap:break-word}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px;margin-top:10px}
@media (max-width:800px){.cols{grid-template-columns:1fr}main{padding:18px}}
.verdict{border:1px solid var(--rule);border-left:5px solid var(--muted);padding:10px 14px;background:#fafafa}
.verdict.v-machine_translation{border-left-color:var(--crit)}
.verdict.v-edited_copy,.verdict.v-verbatim_copy{border-left-color:var(--major)}
.verdict.v-original,.verdict.v-human_translation{border-left-color:#2e7d32}
.verdict .label{font-family:Georgia,serif;font-size:1.25rem;font-weight:700}
.bar{height:8px;background:#e7e7e7;border-radius:4px;overflow:hidden;margin:6px 0 4px;max-width:260px}
.bar>span{display:block;height:100%;background:var(--ink)}
.verdict ul{margin:6px 0 0 18px;padding:0}
dl.scores{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0;font-size:.92rem}
.metric-sigs{margin-top:8px;color:var(--muted);font-size:.8rem;overflow-wrap:anywhere}
dl.scores dt{color:var(--muted)}dl.scores dd{margin:0;font-variant-numeric:tabular-nums}
.article-text{font-family:Georgia,"Times New Roman",serif;font-size:1.04rem;line-height:1.7;white-space:pre-wrap;
max-width:46em;padding:12px 18px;border:1px solid var(--rule);background:#fffdf8}
.caption{font-style:italic;color:#3d3d3d}
mark{color:inherit;padding:0 1px;border-radius:2px}
mark.sev-critical{background:var(--crit-bg);box-shadow:inset 0 -2px 0 var(--crit)}
mark.sev-major{background:var(--major-bg);box-shadow:inset 0 -2px 0 var(--major)}
mark.sev-minor{background:var(--minor-bg);box-shadow:inset 0 -2px 0 var(--minor)}
mark[data-overlap]{text-decoration:underline dotted var(--ink);text-underline-offset:5px}
mark.src{background:#ececec;box-shadow:inset 0 -2px 0 #8a8a8a}
sup.fn{font:700 .68rem system-ui,sans-serif;color:var(--muted);user-select:none;margin-left:1px}
sup.fn a{text-decoration:none;color:inherit}
.span-text{font-family:Georgia,serif}
table.findings{table-layout:fixed}
.src-sentence{color:var(--muted);font-size:.86rem;margin-top:3px}
table.align td.text{width:44%}
tr.omission td.src-cell{background:#fdeceb}
tr.addition td.rep-cell{background:#f3e8fb}
.gap{font-style:italic;color:var(--muted)}
tr.weak td.sim{color:var(--crit);font-weight:700}
details>summary{cursor:pointer;font-weight:600;margin:18px 0 6px}
.errors td{color:var(--crit)}
.scroll{overflow-x:auto;max-width:100%}
.small{font-size:.8rem}
.v-mt{color:var(--crit);font-weight:700}
details.more{display:inline}details.more>summary{display:inline;font-weight:400;color:var(--accent);margin:0 0 0 4px;font-size:.85em}
details.more[open]>summary{display:block;margin:2px 0}
table.summary .title{font-weight:700}
table.summary .fname{font-size:.78rem}
@media (max-width:900px){
table.findings,table.findings tbody,table.findings tr,table.findings td{display:block;width:auto}
table.findings thead,table.findings colgroup,table.findings .det{display:none}
table.findings tr{border-top:1px solid var(--rule);padding:8px 0}
table.findings td{border:0;padding:2px 0}
table.findings td.lead{display:inline-block;margin-right:10px}
table.findings td[data-label]::before{content:attr(data-label);display:block;font-size:.72rem;
text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
table.summary td,table.summary th{padding:5px 4px}}
footer{margin-top:48px;color:var(--muted);font-size:.8rem;border-top:1px solid var(--rule);padding-top:8px}
@media print{html{background:#fff}main{padding:0;max-width:none}details{display:block}details>summary{display:none}details.more{display:inline}
.scroll{overflow:visible}mark{-webkit-print-color-adjust:exact;print-color-adjust:exact}section.article{break-before:page}}
"""

_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
_WEAK = 0.6  # similarity below which an aligned pair is flagged as weak


def _e(value: object) -> str:
    """Escape untrusted text for element content and quoted attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _human(label: str) -> str:
    return label.replace("_", " ")


def anchor_ids(result: AuditResult) -> dict[str, str]:
    """``doc-<id>`` anchors, sanitised to ``[A-Za-z0-9_.-]`` and made unique."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for dr in result.documents:
        base = "doc-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", dr.id).strip("-") or "x")
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        out.setdefault(dr.id, candidate)
    return out


def _badge(severity: str) -> str:
    return f'<span class="badge sev-{_e(severity)}">{_e(severity)}</span>'


def _counts_html(counts: dict[str, int]) -> str:
    cells = []
    for sev in SEVERITY_ORDER:
        n = counts.get(sev, 0)
        cls = f"count sev-{sev}" + ("" if n else " zero")
        cells.append(f'<span class="{cls}" title="{n} {sev}">{n}</span>')
    return "".join(cells)


def _doc_link(anchors: dict[str, str], doc_id: str, names: dict[str, str] | None = None) -> str:
    """A link to an article's section, named by its short name (the full id in the title)."""
    label = (names or {}).get(doc_id, doc_id)
    if doc_id in anchors:
        return f'<a href="#{anchors[doc_id]}" title="{_e(doc_id)}">{_e(label)}</a>'
    return f'<span title="{_e(doc_id)}">{_e(label)}</span>'


def _scores_text(dr: DocumentResult) -> str:
    s = dr.scores
    if s is None:
        return '<span class="muted">–</span>'
    parts = []
    for name, value in (("chrF", s.chrf), ("BLEU", s.bleu), ("TER", s.ter)):
        if value is not None:
            parts.append(f'<span class="nowrap">{name} {fmt_float(value)}</span>')
    if not parts and s.xsim is not None:
        parts.append(f'<span class="nowrap">xsim {fmt_float(s.xsim, 2)}</span>')
    if s.source_coverage is not None:
        parts.append(f'<span class="nowrap muted">cov {fmt_pct(s.source_coverage)}</span>')
    if s.qe is not None:
        parts.append(f'<span class="nowrap muted">QE {fmt_float(s.qe, 2)}</span>')
    return "<br>".join(parts) or '<span class="muted">–</span>'


def _header(result: AuditResult) -> str:
    findings = [f for dr in result.documents for f in dr.findings]
    counts = severity_counts(findings)
    with_source = sum(1 for dr in result.documents if is_reprint(dr))
    tally = ", ".join(
        f'<span class="{"v-mt" if label == "machine_translation" else ""}">{n} {_e(_human(label))}</span>'
        for label, n in verdict_tally(result).items()
    ) or '<span class="muted">none</span>'
    legend = "".join(
        f"<div>{_badge(s)}{_e(SEVERITY_MEANING[s])}</div>" for s in SEVERITY_ORDER
    )
    by_sev = ", ".join(f"{counts[s]} {s}" for s in SEVERITY_ORDER)
    return (
        "<header>\n<h1>Translation audit</h1>\n"
        f'<p class="totals">{count(len(result.documents), "article")} · '
        f"{count(len(findings), 'finding')} ({by_sev}) · {count(len(result.errors), 'input error')}</p>\n"
        f'<p class="totals">Verdicts: {tally} · <span class="muted">{with_source} of {len(result.documents)} '
        "with their source in this set</span></p>\n"
        f'<div class="legend" aria-label="Severity legend">{legend}</div>\n</header>'
    )


def signature_html(signature: str) -> str:
    """The signature with a line-break opportunity after each ``|``: it wraps between
    fields ("langdetect:1.0.9" stays whole), never inside a version."""
    return "|<wbr>".join(_e(part) for part in signature.split("|"))


def _summary(result: AuditResult, anchors: dict[str, str]) -> str:
    """One row per article, five columns, so the table fits an 800-pixel window unscrolled.

    The headline names the article (the short name, site, language and date beneath it,
    then the file name); coverage and QE sit under the scores, p(MT) under the verdict.
    Cells wrap between words; only long tokens (file names) may break anywhere.
    """
    names = short_names(result)
    rows = []
    for dr in result.documents:
        d = dr.doc.document
        name = names.get(dr.id, dr.id)
        source = '<span class="muted">–</span>'
        if is_reprint(dr):
            assert dr.link is not None
            source = f"<strong>{_e(_human(dr.link.relation))}</strong> of {_doc_link(anchors, dr.link.source_id, names)}"
        elif dr.verdict is not None and dr.verdict.label != "original":
            source = '<span class="muted">none found</span>'
        v = dr.verdict
        verdict = '<span class="muted">–</span>'
        if v is not None:
            cls = "v-mt" if v.label == "machine_translation" else ""
            p_mt = "n/a" if v.p_machine_translation is None else fmt_float(v.p_machine_translation, 2)
            verdict = (
                f'<span class="{cls}">{_e(_human(v.label))}</span>'
                f'<br><span class="muted">p(MT)&nbsp;{p_mt}'
                + (" · text only" if v.mode == "text_only" else "")
                + "</span>"
            )
        headline = _e(d.title) if d.title else _e(name)
        sub = [x for x in (name if d.title else None, d.site, dr.doc.language, d.date) if x]
        rows.append(
            "<tr>"
            f'<td><a class="title" href="#{anchors[dr.id]}">{headline}</a>'
            f'<br><span class="muted">{" · ".join(_e(x) for x in sub)}</span>'
            f'<br><span class="muted fname token">{_e(file_name(dr))}</span></td>'
            f"<td>{source}</td>"
            f"<td>{_scores_text(dr)}</td>"
            f"<td>{verdict}</td>"
            f'<td class="num">{_counts_html(severity_counts(dr.findings))}</td>'
            "</tr>"
        )
    head = (
        "<tr><th>Article</th><th>Source</th><th>Scores</th>"
        '<th>Verdict</th><th class="num" title="critical · major · minor">Findings</th></tr>'
    )
    return (
        f'<section id="summary">\n<h3>Articles</h3>\n<table class="summary">\n<thead>{head}</thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
        '<p class="muted small">Findings: critical · major · minor. cov: share of the source found in the reprint. '
        "Scores: chrF / BLEU / TER against a same-language source, cross-lingual similarity (xsim) for a translation.</p>\n</section>"
    )


def _categories(result: AuditResult) -> str:
    rows = category_counts(result)
    if not rows:
        return '<section id="categories"><h3>Findings by category</h3><p class="muted">No findings.</p></section>'
    body = "\n".join(
        f"<tr><td>{_e(cat)}</td>"
        + "".join(f'<td class="num">{c[s] or "·"}</td>' for s in SEVERITY_ORDER)
        + f'<td class="num"><strong>{sum(c.values())}</strong></td></tr>'
        for cat, c in rows.items()
    )
    head = "<tr><th>Category</th>" + "".join(f'<th class="num">{_badge(s)}</th>' for s in SEVERITY_ORDER) + '<th class="num">Total</th></tr>'
    return f'<section id="categories">\n<h3>Findings by category</h3>\n<table class="categories" style="max-width:640px">\n<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</section>'


def _marked_text(dr: DocumentResult, numbered: list[tuple[int, Finding]], anchor: str) -> str:
    """The article text with every finding span wrapped in ``<mark>``.

    Overlapping findings are cut into elementary intervals; each piece takes the colour
    of the most serious finding covering it and a title listing all of them. The first
    piece of finding *n* carries the anchor ``<doc>-f<n>``, and a superscript number
    follows its last piece so the table and the text point at each other.
    """
    text = dr.doc.text
    n_text = len(text)
    valid = [(n, f) for n, f in numbered if 0 <= f.start < f.end <= n_text]
    captions = [(a, b) for a, b in dr.doc.document.captions if 0 <= a < b <= n_text]
    bounds = {0, n_text}
    for _, f in valid:
        bounds.update((f.start, f.end))
    for a, b in captions:
        bounds.update((a, b))
    cuts = sorted(bounds)
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = _e(text[a:b])
        if any(ca <= a and b <= cb for ca, cb in captions):
            piece = f'<span class="caption">{piece}</span>'
        cover = [(n, f) for n, f in valid if f.start <= a and b <= f.end]
        if cover:
            worst = max(cover, key=lambda nf: severity_rank(nf[1].severity))[1]
            title = " | ".join(f"#{n} {f.severity} · {f.category}: {f.message}" for n, f in cover)
            starting = [n for n, f in cover if f.start == a]
            id_attr = f' id="{anchor}-f{starting[0]}"' if starting else ""
            extra = "".join(f'<span id="{anchor}-f{n}"></span>' for n in starting[1:])
            overlap = f' data-overlap="{len(cover)}"' if len(cover) > 1 else ""
            piece = f'{extra}<mark class="sev-{_e(worst.severity)}" title="{_e(title)}"{id_attr}{overlap}>{piece}</mark>'
            ending = [n for n, f in cover if f.end == b]
            piece += "".join(f'<sup class="fn"><a href="#{anchor}-row{n}">{n}</a></sup>' for n in ending)
        out.append(piece)
    return "".join(out)


CLIP_CHARS = 240  # longer spans / source wordings fold the rest into <details>


def _clipped(text: str | None, limit: int = CLIP_CHARS) -> str:
    """Escaped text; past ``limit`` characters the rest folds into a ``<details>`` (no script).

    An omission's source wording can be thirteen sentences long: the table row should say
    what is missing without becoming a wall of text, and the full text stays one click away.
    """
    if not text:
        return ""
    if len(text) <= limit + 120:  # folding away a few words helps nobody
        return _e(text)
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    rest = len(text[cut:].split())
    return (
        f'{_e(text[:cut])}…<details class="more"><summary>{rest} more words</summary>'
        f"{_e(text[cut:])}</details>"
    )


def _category_html(category: str) -> str:
    """``accuracy/omission`` with a line-break opportunity after the slash, never mid-word."""
    return "/<wbr>".join(_e(part) for part in category.split("/"))


def _source_cell(result: AuditResult, dr: DocumentResult, f: Finding) -> str:
    sentence = aligned_source_sentence(result, dr, f)
    wording = f'<span class="span-text">{_clipped(f.source_text)}</span>' if f.source_text else '<span class="muted">–</span>'
    if not sentence:
        return wording
    pos = find_wording(sentence, f.source_text)
    if pos >= 0 and f.source_text:
        end = pos + len(f.source_text)
        shown = f'{_e(sentence[:pos])}<mark class="src">{_e(sentence[pos:end])}</mark>{_e(sentence[end:])}'
    else:
        shown = _e(sentence)
    return f'{wording}<div class="src-sentence">{shown}</div>'


def _findings_table(result: AuditResult, dr: DocumentResult, numbered: list[tuple[int, Finding]], anchor: str) -> str:
    if not numbered:
        return '<p class="muted">No findings.</p>'
    source_cells = {n: _source_cell(result, dr, f) for n, f in numbered}
    # a text-only audit has no source wording at all: drop the empty column
    with_source = any(f.source_text or aligned_source_sentence(result, dr, f) for _, f in numbered)
    rows = []
    for n, f in numbered:
        rows.append(
            f'<tr id="{anchor}-row{n}">'
            f'<td class="num lead"><a href="#{anchor}-f{n}">{n}</a></td>'
            f'<td class="lead">{_badge(f.severity)}</td>'
            f'<td class="lead">{_category_html(f.category)}</td>'
            f'<td data-label="Reprint says"><span class="span-text">{_clipped(f.text)}</span></td>'
            + (f'<td data-label="Source says">{source_cells[n]}</td>' if with_source else "")
            + f'<td data-label="Why">{_e(f.message)}</td>'
            f'<td class="muted mono det">{_e(f.detector)}<br>{f.start}–{f.end}</td>'
            "</tr>"
        )
    head = (
        '<tr><th class="num">#</th><th>Severity</th><th>Category</th><th>Reprint says</th>'
        + ("<th>Source says</th>" if with_source else "")
        + '<th>Why</th><th class="det">Detector</th></tr>'
    )
    widths = (4, 9, 15, 22, 25, 17, 8) if with_source else (4, 9, 15, 33, 29, 10)
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    return (
        f'<table class="findings"><colgroup>{cols}</colgroup>\n<thead>{head}</thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


def _alignment_table(result: AuditResult, dr: DocumentResult) -> str:
    src = source_of(result, dr)
    names = short_names(result)
    if dr.alignment is None or not dr.alignment.pairs:
        return ""
    if src is None:
        return f'<p class="muted">Source {_e(dr.link.source_id if dr.link else "")} is not in this report; the alignment cannot be shown.</p>'
    pairs = dr.alignment.pairs
    pair_scores = dr.scores.pairs if dr.scores is not None and len(dr.scores.pairs) == len(pairs) else ()
    has_chrf = any(p.chrf is not None for p in pair_scores)
    has_qe = any(p.qe is not None for p in pair_scores)
    kinds = [pair_kind(p) for p in pairs]
    rows = []
    for i, pair in enumerate(pairs):
        kind = kinds[i]
        weak = kind == "match" and pair.similarity is not None and pair.similarity < _WEAK
        cls = kind + (" weak" if weak else "")
        s_txt = _e(bead_text(src.doc, pair.source)) if pair.source else '<span class="gap">added — not in source</span>'
        r_txt = _e(bead_text(dr.doc, pair.reprint)) if pair.reprint else '<span class="gap">omitted from reprint</span>'
        sim = fmt_float(pair.similarity, 2) if kind == "match" else "–"
        extra = ""
        if has_chrf:
            extra += f'<td class="num">{fmt_float(pair_scores[i].chrf)}</td>'
        if has_qe:
            extra += f'<td class="num">{fmt_float(pair_scores[i].qe, 2)}</td>'
        shape = f"{len(pair.source)}:{len(pair.reprint)}"
        rows.append(
            f'<tr class="{cls}"><td class="num muted">{i + 1}<br><small>{shape}</small></td>'
            f'<td class="text src-cell" lang="{_e(src.doc.language)}">{s_txt}</td>'
            f'<td class="text rep-cell" lang="{_e(dr.doc.language)}">{r_txt}</td>'
            f'<td class="num sim">{sim}</td>{extra}</tr>'
        )
    head = (
        f'<tr><th class="num">#</th><th>Source ({_e(src.doc.language)}) · {_e(names.get(src.id, src.id))}</th>'
        f"<th>Reprint ({_e(dr.doc.language)}) · {_e(names.get(dr.id, dr.id))}</th><th class=\"num\">Sim</th>"
        + ('<th class="num">chrF</th>' if has_chrf else "")
        + ('<th class="num">QE</th>' if has_qe else "")
        + "</tr>"
    )
    n_om, n_add = kinds.count("omission"), kinds.count("addition")
    n_weak = sum(1 for p, k in zip(pairs, kinds) if k == "match" and p.similarity is not None and p.similarity < _WEAK)
    method = f" · {_e(dr.alignment.method)}" if dr.alignment.method else ""
    summary = f"Sentence alignment: {len(pairs)} pairs, {n_om} omitted, {n_add} added, {n_weak} weak{method}"
    is_open = " open" if len(pairs) <= 40 else ""
    return (
        f"<details{is_open}><summary>{summary}</summary>\n"
        f'<table class="align">\n<thead>{head}</thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>\n</details>"
    )


def _verdict(result: AuditResult, dr: DocumentResult, names: dict[str, str]) -> str:
    v = dr.verdict
    if v is None:
        return '<div class="verdict"><div class="kicker">Verdict</div><div class="muted">No verdict.</div></div>'
    mode = _e(verdict_basis(result, dr, names))
    shown = set(v.reasons)  # a reason already said in plain words is not repeated as evidence
    evidence = "".join(f"<li>{_e(e)}</li>" for e in v.evidence if e not in shown)
    reasons = "".join(f"<li>{_e(r)}</li>" for r in v.reasons)
    if v.p_machine_translation is None:
        bar = '<div class="muted">p(machine translation): not assessed</div>'
    else:
        p = max(0.0, min(1.0, float(v.p_machine_translation)))
        parts = p_breakdown(v)
        bar = (f'<div class="bar" title="p(machine translation) = {p:.2f}"><span style="width:{100 * p:.0f}%"></span></div>'
               f'<div class="muted">p(machine translation) = {p:.2f} (the verdict\'s probability)</div>'
               + (f'<div class="muted p-parts">{_e(parts)}</div>' if parts else ""))
    return (
        f'<div class="verdict v-{_e(re.sub(r"[^a-z_]", "", v.label))}">'
        f'<div class="kicker">Verdict · {mode}</div>'
        f'<div class="label">{_e(_human(v.label))}</div>'
        + (f'<ul class="reasons">{reasons}</ul>' if reasons else "")
        + bar
        + (f"<ul>{evidence}</ul>" if evidence else "")
        + "</div>"
    )


def _scores_dl(dr: DocumentResult) -> str:
    s = dr.scores
    if s is None:
        if dr.link is not None:
            why = f"linked as {_e(_human(dr.link.relation))} only; nothing to compare sentence by sentence"
        else:
            why = "no source found in this set"
        return f'<p class="muted">No scores ({why}).</p>'
    items = [
        ("chrF", fmt_float(s.chrf)),
        ("BLEU", fmt_float(s.bleu)),
        ("TER", fmt_float(s.ter)),
        ("Cross-lingual similarity", fmt_float(s.xsim, 2)),
        ("Quality estimate", _e(s.qe_note) if s.qe is None and s.qe_note else fmt_float(s.qe, 2)),
        ("Source covered", fmt_pct(s.source_coverage)),
        ("Reprint covered", fmt_pct(s.reprint_coverage)),
        ("Order kept", fmt_pct(s.monotonicity)),
    ]
    rows = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in items if value != "–")
    sigs = "".join(f"<div><code>{_e(k)}: {signature_html(s.signatures[k])}</code></div>" for k in sorted(s.signatures))
    sig_html = f'<div class="metric-sigs">{sigs}</div>' if sigs else ""
    return f'<dl class="scores">{rows}</dl>{sig_html}'


def _article(result: AuditResult, dr: DocumentResult, anchors: dict[str, str]) -> str:
    d = dr.doc.document
    anchor = anchors[dr.id]
    numbered = list(enumerate(by_severity(dr.findings), 1))
    names = short_names(result)
    meta = [d.site, d.date, f"language {dr.doc.language}" if dr.doc.language else None]
    meta_html = " · ".join(_e(m) for m in meta if m)
    meta_html += (" · " if meta_html else "") + f'<span class="token">{_e(d.path)}</span>'
    if d.url:
        if _SAFE_URL.match(d.url):
            meta_html += f' · <a class="token" href="{_e(d.url)}" rel="noopener noreferrer nofollow">{_e(d.url)}</a>'
        else:
            meta_html += f' · <span class="mono token">{_e(d.url)}</span>'
    relation = ""
    if dr.link is not None and not is_reprint(dr):  # same story: context, not a source
        relation = (
            f'<p class="relation muted">Covers the same story as {_doc_link(anchors, dr.link.source_id, names)} '
            "(not a copy or translation of it)</p>"
        )
    elif dr.link is not None:
        src = source_of(result, dr)
        lang = f" ({_e(src.doc.language)} → {_e(dr.doc.language)})" if src is not None else ""
        forced = " — source named by the user" if dr.link.forced else ""
        relation = (
            f'<p class="relation"><strong>{_e(_human(dr.link.relation).capitalize())}</strong> of '
            f"{_doc_link(anchors, dr.link.source_id, names)}{lang} · link strength {fmt_float(dr.link.score, 2)}{forced}</p>"
        )
        if dr.link.mismatch:
            relation += (f'\n<p class="relation mismatch sev-ink-critical">{_e(dr.link.mismatch.capitalize())}; '
                         "nothing was checked against it.</p>")
    # an ingest problem (the fallback HTML extractor ran) is said on the article itself
    warning = f'<p class="warning" role="note"><strong>Warning:</strong> {_e(d.warning)}</p>\n' if d.warning else ""
    title = _e(d.title) if d.title else f'<span class="muted">{_e(names.get(dr.id, dr.id))}</span>'
    counts = severity_counts(dr.findings)
    return (
        f'<section class="article" id="{anchor}">\n'
        f'<div class="kicker" title="{_e(dr.id)}">{_e(names.get(dr.id, dr.id))} · findings {_counts_html(counts)}</div>\n'
        f"<h2>{title}</h2>\n"
        f'<p class="meta">{meta_html}</p>\n{warning}{relation}\n'
        f'<div class="cols">{_verdict(result, dr, names)}<div>{_scores_dl(dr)}</div></div>\n'
        f"<h3>Findings</h3>\n{_findings_table(result, dr, numbered, anchor)}\n"
        f'<h3>Article text</h3>\n<div class="article-text" lang="{_e(dr.doc.language)}">{_marked_text(dr, numbered, anchor)}</div>\n'
        f"{_alignment_table(result, dr)}\n</section>"
    )


def _errors(result: AuditResult) -> str:
    if not result.errors:
        return ""
    rows = "\n".join(f'<tr><td class="mono">{_e(e.path)}</td><td>{_e(e.reason)}</td></tr>' for e in result.errors)
    return (
        '<section id="errors" class="article">\n<h2>Inputs not audited</h2>\n'
        '<table class="errors">\n<thead><tr><th>Path</th><th>Reason</th></tr></thead>\n'
        f"<tbody>\n{rows}\n</tbody>\n</table>\n</section>"
    )


def render_html(result: AuditResult) -> str:
    """The whole report as one self-contained, script-free HTML page."""
    anchors = anchor_ids(result)
    body = "\n".join(
        [
            _header(result),
            _summary(result, anchors),
            _categories(result),
            *(_article(result, dr, anchors) for dr in result.documents),
            _errors(result),
            f'<footer>Generated by auditor · signature <code class="sig">{signature_html(result.signature)}</code></footer>',
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="generator" content="auditor">\n'
        "<title>Translation audit report</title>\n"
        f"<style>{SEVERITY_CSS}{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def write_html(result: AuditResult, path: str | Path) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8, parent folders created); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(result), encoding="utf-8")
    return out
