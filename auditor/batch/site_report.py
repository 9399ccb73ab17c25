"""``DIR/report.html``: a self-contained, site-level report of a batch, read from the store.

Per site (domain): articles, errors, share judged machine-translated, findings by MQM
category and severity, the worst articles with links to their sections further down,
and how many pages the built-in fallback HTML extractor read (trafilatura did not run;
their text may keep tickers and bylines): counted per site, with the warning in the
article's section, never silent.
Charts are inline SVG drawn here (no script, nothing fetched from the web). Every
string that comes from a page (titles, URLs, finding text, error reasons) goes through
``html.escape``: crawled text is hostile by default.

The report reads the store with bounded queries (top-N per site, a cap on article
sections), so a million-article store still gives a report of a few megabytes.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections import defaultdict
from typing import Any, Sequence

from ..ingest.html import FALLBACK
from ..text.wording import count
from ..report.common import SEVERITY_CSS, SEVERITY_ORDER, p_breakdown
from ..types import CATEGORIES, SEVERITIES, Verdict

WORST_PER_SITE = 5
MAX_SECTIONS = 300  # article sections at the end of the report
MAX_FINDINGS_SHOWN = 30  # per article section
SEVERITY_WEIGHT = {"minor": 1, "major": 5, "critical": 10}

# Severity colours come from SEVERITY_CSS (shared with the audit report); cells wrap
# between words, and only long tokens (URLs, paths, ids: class "token") break anywhere.
CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em;overflow-wrap:break-word}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0 1em;max-width:100%}
td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top;overflow-wrap:break-word;word-break:normal}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.token{overflow-wrap:anywhere}.nowrap{white-space:nowrap}
table.findings{width:100%;table-layout:fixed}
.err{color:var(--crit)}.muted{color:#777}.charts{display:flex;flex-wrap:wrap;gap:2em}
figure{margin:0;max-width:100%}figcaption{font-weight:bold;margin-bottom:.3em}svg{max-width:100%;height:auto}
section.article{border-top:1px solid #eee;padding-top:.5em}
code{background:#f6f6f6;padding:0 3px}
.warning{margin:6px 0;padding:6px 10px;border-left:4px solid #b26a00;background:#fff6e0;overflow-wrap:break-word}
.warn-tag{color:#8a5200;font-size:.9em;white-space:nowrap}
@media (max-width:700px){body{padding:0 .5em}td,th{padding:3px 4px}}
"""


def esc(value: Any) -> str:
    """HTML-escaped text of any value (None -> empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def _safe_href(url: str | None) -> str | None:
    """Only http(s) links become hrefs (no ``javascript:`` from a hostile crawl)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return esc(url.strip())
    return None


def bar_chart(title: str, items: Sequence[tuple[str, float]], *, width: int = 460, fmt: str = "{:g}",
              color: str = "#4a78b5") -> str:
    """A horizontal bar chart as inline SVG."""
    if not items:
        return ""
    bar_h, gap, label_w = 16, 4, 170
    height = len(items) * (bar_h + gap) + 4
    top = max((v for _, v in items), default=0) or 1
    parts = [f'<figure><figcaption>{esc(title)}</figcaption>'
             f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}">']
    for k, (label, value) in enumerate(items):
        y = k * (bar_h + gap) + 2
        w = (width - label_w - 60) * (value / top)
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" font-size="11">{esc(label[:28])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" font-size="11">{esc(fmt.format(value))}</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


def histogram(title: str, values: Sequence[float], *, bins: int = 10, width: int = 460, height: int = 160) -> str:
    """A histogram of values in [0, 1] as inline SVG."""
    if not values:
        return ""
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int(float(v) * bins)))] += 1
    top = max(counts) or 1
    bw = (width - 40) / bins
    plot_h = height - 30
    parts = [f'<figure><figcaption>{esc(title)}</figcaption>'
             f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{esc(title)}">']
    for k, c in enumerate(counts):
        h = plot_h * c / top
        x = 30 + k * bw
        parts.append(f'<rect x="{x:.1f}" y="{plot_h - h + 5:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" fill="#b5584a">'
                     f'<title>{k / bins:.1f}-{(k + 1) / bins:.1f}: {c}</title></rect>')
        if k % 2 == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="10">{k / bins:.1f}</text>')
    parts.append(f'<text x="{width - 20}" y="{height - 8}" font-size="10">1.0</text></svg></figure>')
    return "".join(parts)


def _human(label: str | None) -> str:
    """``machine_translation`` -> ``machine translation`` (labels as a reader says them)."""
    return (label or "").replace("_", " ")


def _token(value: Any) -> str:
    """A long unbroken token (id, path, URL) that may wrap anywhere rather than widen the page."""
    return f'<span class="token">{esc(value)}</span>'


def _badge(severity: str) -> str:
    """The audit report's severity label (same palette)."""
    return f'<span class="badge sev-{esc(severity)}">{esc(severity)}</span>'


def _counts(n_critical: int, n_major: int, n_minor: int) -> str:
    """critical / major / minor counts in the palette's colours; zeros muted."""
    cells = []
    for sev, n in zip(SEVERITY_ORDER, (n_critical, n_major, n_minor)):
        cls = f"sev-ink-{sev}" if n else "muted"
        cells.append(f'<span class="{cls}" title="{n} {sev}">{n}</span>')
    return " / ".join(cells)


def _score(n_minor: int, n_major: int, n_critical: int) -> int:
    return n_minor * SEVERITY_WEIGHT["minor"] + n_major * SEVERITY_WEIGHT["major"] + n_critical * SEVERITY_WEIGHT["critical"]


def _anchor(article_id: str) -> str:
    return "a-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in article_id)


def build_site_report(db_path: str) -> str:
    """The report's HTML text from a batch store."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return _build(db)
    finally:
        db.close()


def _build(db: sqlite3.Connection) -> str:
    sites = db.execute(
        "SELECT COALESCE(site,'(unknown)'), COUNT(*), SUM(status='error'), SUM(status='audited'), "
        "SUM(verdict='machine_translation'), SUM(n_findings) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    fallback = dict(db.execute("SELECT COALESCE(site,'(unknown)'), COUNT(*) FROM articles WHERE extractor = ? "
                               "GROUP BY 1", (FALLBACK,)).fetchall())
    n_fallback = sum(fallback.values())
    total = sum(s[1] for s in sites)
    n_err = sum(s[2] or 0 for s in sites)
    n_mt = sum(s[4] or 0 for s in sites)
    by_cat: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SEVERITIES, 0))
    site_cat: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    q = ("SELECT COALESCE(a.site,'(unknown)'), f.category, f.severity, COUNT(*) FROM findings f "
         "JOIN articles a ON a.id=f.article_id GROUP BY 1,2,3")
    for site, cat, sev, n in db.execute(q):
        if sev in SEVERITIES:
            by_cat[cat][sev] += n
        site_cat[site][f"{cat}|{sev}"] += n
    p_values = [r[0] for r in db.execute("SELECT p_mt FROM articles WHERE p_mt IS NOT NULL")]
    verdicts = db.execute("SELECT COALESCE(verdict,'(error)'), COUNT(*) FROM articles GROUP BY 1 ORDER BY 2 DESC").fetchall()
    reasons = db.execute("SELECT reason, COUNT(*) FROM articles WHERE status='error' GROUP BY 1 ORDER BY 2 DESC LIMIT 20").fetchall()
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())

    out: list[str] = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>auditor batch report</title><style>{SEVERITY_CSS}{CSS}</style></head><body>",
                      "<h1>Translation-quality audit of a crawl</h1>",
                      f"<p>{count(total, 'article')} from {count(len(sites), 'site')}: {total - n_err} audited, "
                      f"{count(n_err, 'error')}; "
                      f"{n_mt} judged machine-translated.</p>"]
    if n_fallback:
        out.append(f'<p class="warning" role="note"><strong>Warning:</strong> {count(n_fallback, "page")} '
                   f"read by the built-in fallback HTML extractor, not trafilatura: their text may keep tickers, "
                   f"bylines and navigation (counted per site below; the reason is on each article).</p>")
    if meta.get("signature"):
        sig = "|<wbr>".join(esc(part) for part in meta["signature"].split("|"))  # wraps between fields
        out.append(f'<p class="muted">signature: <code>{sig}</code></p>')

    out.append('<h2>Distributions</h2><div class="charts">')
    out.append(histogram("P(machine translation) of audited articles", p_values))
    out.append(bar_chart("verdicts", [(_human(str(v)), n) for v, n in verdicts]))
    cat_totals = [(c, sum(by_cat[c].values())) for c in CATEGORIES if c in by_cat]
    cat_totals += [(c, sum(v.values())) for c, v in by_cat.items() if c not in CATEGORIES]
    out.append(bar_chart("findings by category", sorted(cat_totals, key=lambda x: -x[1])))
    mt_share = [(s[0], (s[4] or 0) / s[3]) for s in sites[:20] if s[3]]
    out.append(bar_chart("share judged machine-translated (top 20 sites)", mt_share, fmt="{:.0%}", color="#b5584a"))
    out.append("</div>")

    out.append("<h2>Sites</h2><table><tr><th>site</th><th>articles</th><th>errors</th><th>audited</th>"
               "<th>machine-translated</th><th>findings</th>"
               + ("<th>fallback extractor</th>" if n_fallback else "") + "</tr>")
    for site, n, err, aud, mt, fnd in sites:
        share = f"{(mt or 0) / aud:.0%}" if aud else "–"
        fb = f'<td class="n">{fallback.get(site, 0)}</td>' if n_fallback else ""
        out.append(f'<tr><td><a href="#s-{_anchor(site)}">{esc(site)}</a></td><td class="n">{n}</td>'
                   f'<td class="n">{err or 0}</td><td class="n">{aud or 0}</td><td class="n">{share}</td>'
                   f'<td class="n">{fnd or 0}</td>{fb}</tr>')
    out.append("</table>")

    out.append("<h2>Findings by category and severity</h2>")
    if not cat_totals:  # an empty table reads as a broken report
        out.append('<p class="muted">No findings.</p>')
    else:
        out.append("<table><tr><th>category</th>" + "".join(f"<th>{_badge(s)}</th>" for s in SEVERITY_ORDER) + "</tr>")
        for cat, _ in sorted(cat_totals, key=lambda x: -x[1]):
            out.append(f"<tr><td>{esc(cat)}</td>" + "".join(f'<td class="n">{by_cat[cat][s]}</td>' for s in SEVERITY_ORDER) + "</tr>")
        out.append("</table>")

    if reasons:
        out.append("<h2>Errors</h2><table><tr><th>reason</th><th>articles</th></tr>")
        for reason, n in reasons:
            out.append(f'<tr><td class="err">{esc(reason)}</td><td class="n">{n}</td></tr>')
        out.append("</table>")

    sectioned: list[str] = []
    out.append("<h2>Per site</h2>")
    for site, n, err, aud, mt, fnd in sites:
        out.append(f'<h3 id="s-{_anchor(site)}">{esc(site)}</h3><p>{count(n, "article")}, '
                   f'{count(err or 0, "error")}, {mt or 0} machine-translated, {count(fnd or 0, "finding")}'
                   + (f'; <span class="warn-tag">{count(fallback[site], "page")} read by the fallback HTML extractor</span>'
                      if fallback.get(site) else "") + ".</p>")
        cats = site_cat.get(site)
        if cats:
            out.append("<p>" + ", ".join(f'{esc(k.split("|")[0])} <span class="sev-ink-{esc(k.split("|")[1])}">'
                                         f'{esc(k.split("|")[1])}</span>: {v}' for k, v in sorted(cats.items())) + "</p>")
        site_cond = "site IS NULL" if site == "(unknown)" else "site = ?"
        params: tuple = () if site == "(unknown)" else (site,)
        worst = db.execute(
            f"SELECT id, title, url, path, verdict, p_mt, n_minor, n_major, n_critical, extractor FROM articles "
            f"WHERE {site_cond} AND status='audited' ORDER BY (n_minor*1 + n_major*5 + n_critical*10) DESC, "
            f"p_mt DESC, id LIMIT ?", (*params, WORST_PER_SITE)).fetchall()
        if worst:
            out.append("<table><tr><th>worst articles</th><th>verdict</th><th>P(MT)</th><th>findings</th></tr>")
            for aid, title, url, path, verdict, p, mi, ma, cr, extractor in worst:
                if len(sectioned) < MAX_SECTIONS and aid not in sectioned:
                    sectioned.append(aid)
                name = esc(title) if title else f'<span class="token">{esc(url or path or aid)}</span>'
                link = f'<a href="#{_anchor(aid)}">{name}</a>' if aid in sectioned else name
                if extractor == FALLBACK:
                    link += ' <span class="warn-tag">(fallback extractor)</span>'
                out.append(f"<tr><td>{link}</td><td>{esc(_human(verdict))}</td><td class='n'>{'' if p is None else f'{p:.2f}'}</td>"
                           f"<td class='n'>{_counts(cr, ma, mi)}</td></tr>")
            out.append("</table>")

    if sectioned:
        out.append("<h2>Articles</h2>")
        for aid in sectioned:
            out.append(_article_section(db, aid))
    out.append('<p class="muted">Generated by auditor batch. Self-contained: no scripts, nothing loaded from the web.</p>')
    out.append("</body></html>")
    return "\n".join(out)


def _article_section(db: sqlite3.Connection, aid: str) -> str:
    row = db.execute("SELECT title, url, path, site, language, verdict, p_mt, relation, source_id, warning, result "
                     "FROM articles WHERE id=?", (aid,)).fetchone()
    title, url, path, site, lang, verdict, p, relation, source_id, warning, result = row
    href = _safe_href(url)
    head = (f'<a class="token" href="{href}" rel="noreferrer noopener">{esc(url)}</a>' if href
            else f'<span class="token">{esc(url or path)}</span>')
    facts = [f"site {esc(site)}" if site else None, f"language {esc(lang)}" if lang else None,
             f"verdict <b>{esc(_human(verdict))}</b>" + (f" (P(MT) {p:.2f})" if p is not None else "") if verdict else None]
    if source_id and relation and relation != "same_story":  # a same-story link names no source
        facts.append(f"{esc(_human(relation))} of <a class='token' href='#{_anchor(source_id)}'>{esc(source_id)}</a>")
    data = json.loads(result) if result else {}
    qe = _qe_fact(data.get("scores") or {})
    if qe:
        facts.append(qe)
    parts = [f'<section class="article" id="{_anchor(aid)}"><h3>{esc(title) if title else _token(aid)}</h3>',
             f"<p>{head}<br>{' · '.join(f for f in facts if f)}</p>"]
    if warning:  # as the audit report says it under the article's heading
        parts.append(f'<p class="warning" role="note"><strong>Warning:</strong> {esc(warning)}</p>')
    v = data.get("verdict") or {}
    parts_p = p_breakdown(Verdict(verdict or "", p, p_model=v.get("p_model"), p_terms=tuple(v.get("p_terms") or ())))
    if parts_p:  # the P(MT) above is the verdict's; the model's own figure is one part of it
        parts.append(f'<p class="muted">P(MT) is the verdict&#x27;s probability; {esc(parts_p)}</p>')
    evidence = v.get("evidence") or []
    if evidence:
        parts.append("<ul>" + "".join(f"<li>{esc(e)}</li>" for e in evidence[:6]) + "</ul>")
    findings = db.execute(
        "SELECT category, severity, text, message, source_text FROM findings WHERE article_id=? "
        "ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 ELSE 2 END, start LIMIT ?",
        (aid, MAX_FINDINGS_SHOWN)).fetchall()
    if findings:
        # fixed layout: column widths do not depend on the longest token, so a 300-character
        # URL in a finding wraps inside its cell instead of widening the page
        parts.append('<table class="findings"><colgroup><col style="width:12%"><col style="width:16%">'
                     '<col style="width:26%"><col style="width:18%"><col style="width:28%"></colgroup>'
                     "<tr><th>severity</th><th>category</th><th>text</th><th>source</th><th>message</th></tr>")
        for cat, sev, text, msg, src in findings:
            parts.append(f"<tr><td>{_badge(sev)}</td><td>{esc(cat).replace('/', '/<wbr>')}</td><td>{esc(text)}</td>"
                         f"<td>{esc(src)}</td><td>{esc(msg)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append('<p class="muted">no findings</p>')
    parts.append("</section>")
    return "".join(parts)


def _qe_fact(scores: dict) -> str | None:
    """The quality estimate as the audit report gives it: a number, or why there is none."""
    if scores.get("qe") is not None:
        return f"quality estimate {float(scores['qe']):.2f}"
    if scores.get("qe_note"):
        return esc(scores["qe_note"])  # "QE not available for es→en", never a made-up number
    return None


def write_site_report(db_path: str, dest: str) -> str:
    """Write the report to ``dest`` (atomically: a temp file renamed) and return the path."""
    import os

    text = build_site_report(db_path)
    tmp = dest + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, dest)
    return dest
