"""Terminal report built from rich renderables.

Article text is untrusted: it may contain ``[bold]`` or ``:emoji:`` sequences that rich
would interpret as markup. So every string that comes from an article (titles, sentences,
spans, messages that quote them, paths) enters rich as a :class:`rich.text.Text`, never
as a markup string, and styles are applied with ``Text.stylize`` / ``Text.assemble``.

Colour is the Console's business: this module never forces a colour system, so
``NO_COLOR=1`` and non-TTY output (pipes, CI logs) come out plain. When the console
renders no colour at all, finding spans are additionally bracketed with ⟦ ⟧ so they
remain visible in a plain log.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..types import AlignedPair, AuditResult, DocumentResult, Finding
from .common import (
    SEVERITY_ORDER,
    aligned_source_sentence,
    bead_text,
    by_severity,
    category_counts,
    context_bounds,
    fmt_float,
    fmt_pct,
    is_reprint,
    pair_kind,
    score_summary,
    select_pairs,
    severity_counts,
    site_or_file,
    source_of,
)

SEVERITY_STYLE: dict[str, str] = {
    "critical": "bold red",
    "major": "bold dark_orange",
    "minor": "bold cyan",
}
# Bold + underline survive NO_COLOR (which strips colour only), so spans stay visible.
HIGHLIGHT_STYLE: dict[str, str] = {
    "critical": "bold underline bright_white on red",
    "major": "bold underline black on dark_orange",
    "minor": "bold underline black on cyan",
}
SOURCE_HIGHLIGHT = "bold underline"
OMISSION_STYLE = "italic red"
ADDITION_STYLE = "italic magenta"
MAX_SENTENCE_CHARS = 320  # per alignment cell or source wording, unless verbose
MAX_FINDINGS = 10  # finding entries per article before minor ones are only counted


def _plain(console: Console) -> bool:
    """True when the console shows no colour, so highlights need visible brackets."""
    return console.color_system is None or console.no_color


def _t(value: object, style: str = "") -> Text:
    """Untrusted text as a literal Text (never parsed as markup)."""
    return Text("" if value is None else str(value), style=style)


def _clip(s: str, limit: int | None) -> str:
    s = " ".join(s.split())
    if limit is not None and len(s) > limit:
        return s[: limit - 1].rstrip() + "…"
    return s


def _humanise(label: str) -> str:
    return label.replace("_", " ")


def _sim_style(sim: float | None) -> str:
    if sim is None:
        return "dim"
    if sim >= 0.85:
        return "green"
    if sim >= 0.6:
        return "yellow"
    return "red"


def _severity_cell(counts: dict[str, int]) -> Text:
    parts: list[Text | str] = []
    for i, sev in enumerate(SEVERITY_ORDER):
        if i:
            parts.append(Text("/", style="dim"))
        n = counts.get(sev, 0)
        parts.append(Text(str(n), style=SEVERITY_STYLE[sev] if n else "dim"))
    return Text.assemble(*parts)


def _verdict_cell(dr: DocumentResult) -> Text:
    v = dr.verdict
    if v is None:
        return Text("–", style="dim")
    style = "bold red" if v.label == "machine_translation" else ""
    out = Text.assemble(_t(_humanise(v.label), style), "\n", Text(f"p(MT) {v.p_machine_translation:.2f}", style="dim"))
    if v.mode == "text_only":
        out.append("\ntext only", style="dim italic")
    return out


def _source_cell(dr: DocumentResult) -> Text:
    """``edited copy of <id>``; a same-story link is context, not a source, so it is dimmed."""
    if dr.link is None:
        return Text("–", style="dim")
    if dr.link.relation == "same_story":
        return Text.assemble(Text("same story as\n", style="dim"), _t(dr.link.source_id, "dim"))
    out = Text.assemble(_t(_humanise(dr.link.relation), "bold"), Text(" of\n", style="dim"), _t(dr.link.source_id, "bold"))
    if dr.link.forced:
        out.append(" (given)", style="dim")
    return out


def header(result: AuditResult) -> RenderableType:
    """Title rule, signature and one line of totals."""
    all_findings = [f for dr in result.documents for f in dr.findings]
    counts = severity_counts(all_findings)
    reprints = sum(1 for dr in result.documents if is_reprint(dr))
    line = Text.assemble(
        f"{_plural(len(result.documents), 'article')} · {_plural(reprints, 'reprint')} · "
        f"{_plural(len(all_findings), 'finding')} (",
        *_join(
            [Text(f"{counts[s]} {s}", style=SEVERITY_STYLE[s] if counts[s] else "dim") for s in SEVERITY_ORDER],
            ", ",
        ),
        f") · {_plural(len(result.errors), 'input error')}",
    )
    return Group(
        Rule(Text("Translation audit", style="bold")),
        Text.assemble(Text("signature ", style="dim"), _t(result.signature, "dim")),
        line,
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _join(items: list[Text], sep: str) -> list[Text | str]:
    out: list[Text | str] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item)
    return out


def _article_cell(dr: DocumentResult) -> Text:
    """Id, then the publisher when it says more than the id (not the id's own file name)."""
    d = dr.doc.document
    out = Text.assemble(_t(dr.id, "bold"))
    where = site_or_file(dr)
    if where and where.rsplit(".", 1)[0] != dr.id:
        out.append_text(Text.assemble("\n", _t(where, "dim")))
    meta = " · ".join(x for x in (dr.doc.language, d.date) if x)
    if meta:
        out.append_text(Text.assemble("\n", _t(meta, "dim")))
    return out


def _score_lines(dr: DocumentResult) -> Text:
    """chrF/BLEU/TER (or xsim) one per line, then coverage and QE when known."""
    words = score_summary(dr).split(" ")
    lines = [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)]
    s = dr.scores
    if s is not None and s.source_coverage is not None:
        lines.append(f"cov {fmt_pct(s.source_coverage)}")
    if s is not None and s.qe is not None:
        lines.append(f"QE {fmt_float(s.qe, 2)}")
    if lines == ["–"]:
        return Text("–", style="dim")
    return _t("\n".join(lines))


def _severity_header() -> Text:
    return Text.assemble(
        *_join([Text(sev[0].upper() if sev != "minor" else "m", style=SEVERITY_STYLE[sev]) for sev in SEVERITY_ORDER], "/")
    )


def summary_table(result: AuditResult, width: int | None = None) -> Table:
    """One row per article: where it comes from, how close it is, what the audit thinks.

    Five columns only, so that an 80-column terminal shows ids and counts unbroken:
    language and date sit under the article id, coverage and QE under the scores.
    Below 100 columns (``width``) the verdict wraps onto two lines to make room.
    """
    table = Table(
        title=Text("Articles", style="bold"),
        caption=Text.assemble(
            _severity_header(),
            " = critical / major / minor findings · cov = share of the source found in the reprint",
            style="dim",
        ),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    id_width = max((len(dr.id) for dr in result.documents), default=8)
    table.add_column("Article", overflow="fold", min_width=min(id_width, 20))
    table.add_column("Source", min_width=min(id_width, 20), overflow="fold")
    table.add_column("Scores", no_wrap=True)
    table.add_column("Verdict", min_width=11, max_width=12 if width is not None and width < 100 else None, overflow="fold")
    table.add_column(_severity_header(), justify="right", no_wrap=True)
    for dr in result.documents:
        table.add_row(
            _article_cell(dr),
            _source_cell(dr),
            _score_lines(dr),
            _verdict_cell(dr),
            _severity_cell(severity_counts(dr.findings)),
        )
    return table


def category_table(result: AuditResult) -> Table | Text:
    """Findings counted by MQM category and severity, over all articles."""
    rows = category_counts(result)
    if not rows:
        return Text("No findings.", style="dim")
    table = Table(title=Text("Findings by category", style="bold"), box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Category")
    for sev in SEVERITY_ORDER:
        table.add_column(sev.capitalize(), justify="right", style=SEVERITY_STYLE[sev])
    table.add_column("Total", justify="right", style="bold")
    for cat, counts in rows.items():
        table.add_row(
            _t(cat),
            *[_t(counts[s] or "·", "" if counts[s] else "dim") for s in SEVERITY_ORDER],
            _t(sum(counts.values())),
        )
    return table


def alignment_panel(
    result: AuditResult, dr: DocumentResult, *, max_pairs: int = 12, verbose: bool = False
) -> Panel:
    """Source and reprint side by side, one row per alignment bead.

    With more beads than ``max_pairs`` (and not verbose) only the weakest are shown,
    weakest first, and a note says how many were hidden.
    """
    src = source_of(result, dr)
    link = dr.link
    assert link is not None
    src_lang = src.doc.language if src is not None else "?"
    title = Text.assemble(
        _t(dr.id, "bold"),
        Text(" ← ", style="dim"),
        _t(link.source_id, "bold"),
        Text(" · ", style="dim"),
        _t(_humanise(link.relation)),
        Text(" · ", style="dim"),
        _t(f"{src_lang}→{dr.doc.language}"),
    )
    body: list[RenderableType] = []
    s = dr.scores
    facts = [score_summary(dr)]
    if s is not None:
        facts.append(f"coverage {fmt_pct(s.source_coverage)} of source, {fmt_pct(s.reprint_coverage)} of reprint")
        if s.qe is not None:
            facts.append(f"QE {fmt_float(s.qe, 2)}")
    if dr.alignment is not None and dr.alignment.method:
        facts.append(dr.alignment.method)
    body.append(_t(" · ".join(f for f in facts if f and f != "–"), "dim"))

    if dr.alignment is None or not dr.alignment.pairs:
        body.append(Text("No sentence alignment.", style="dim"))
        return Panel(Group(*body), title=title, title_align="left", border_style="blue")
    if src is None:
        body.append(_t(f"Source {link.source_id} is not in this report; sentences cannot be shown.", "dim"))
        return Panel(Group(*body), title=title, title_align="left", border_style="blue")

    pairs, hidden = select_pairs(dr.alignment.pairs, None if verbose else max_pairs)
    limit = None if verbose else MAX_SENTENCE_CHARS
    table = Table(box=box.SIMPLE, expand=True, show_lines=False, pad_edge=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column(Text(f"Source ({src_lang}) {link.source_id}"), ratio=1, overflow="fold")
    table.add_column(Text(f"Reprint ({dr.doc.language}) {dr.id}"), ratio=1, overflow="fold")
    table.add_column("Sim", justify="right", no_wrap=True)
    for idx, pair in pairs:
        table.add_row(*_bead_row(idx, pair, src, dr, limit))
    body.append(table)
    if hidden:
        body.append(
            Text(
                f"Showing the {len(pairs)} weakest of {len(dr.alignment.pairs)} pairs, weakest first; "
                f"{hidden} hidden (verbose shows all).",
                style="italic dim",
            )
        )
    return Panel(Group(*body), title=title, title_align="left", border_style="blue")


def _bead_row(
    idx: int, pair: AlignedPair, src: DocumentResult, dr: DocumentResult, limit: int | None
) -> tuple[Text, Text, Text, Text]:
    kind = pair_kind(pair)
    src_text = _t(_clip(bead_text(src.doc, pair.source), limit))
    rep_text = _t(_clip(bead_text(dr.doc, pair.reprint), limit))
    if kind == "omission":
        src_text.stylize("red")
        rep_text = Text("— omitted from reprint —", style=OMISSION_STYLE)
    elif kind == "addition":
        rep_text.stylize("magenta")
        src_text = Text("— added, not in source —", style=ADDITION_STYLE)
    sim = Text(fmt_float(pair.similarity, 2), style=_sim_style(pair.similarity))
    if kind != "match":
        sim = Text("–", style="dim")
    label = f"{idx + 1}"
    if len(pair.source) > 1 or len(pair.reprint) > 1:
        label += f" {len(pair.source)}:{len(pair.reprint)}"
    return Text(label), src_text, rep_text, sim


def _highlighted(text: str, start: int, end: int, style: str, plain: bool) -> Text:
    """``text`` with ``[start:end)`` highlighted; bracketed as well on a plain console."""
    before, span, after = text[:start], text[start:end], text[end:]
    flat = lambda s: s.replace("\n", " ")  # noqa: E731 - context shown on one line
    if plain:
        return Text.assemble(flat(before), ("⟦", style), (flat(span), style), ("⟧", style), flat(after))
    return Text.assemble(flat(before), (flat(span), style), flat(after))


def _source_line(source_sentence: str | None, source_text: str | None, plain: bool, limit: int | None) -> list[Text]:
    """The aligned source sentence (wording highlighted when it occurs there).

    When the detector's source wording is not inside that sentence (an omission quotes
    the missing sentences, for instance) it gets its own line, clipped unless verbose:
    a 300-word omission is a fact to state, not a paragraph to reprint.
    """
    out: list[Text] = []
    pos = -1
    if source_sentence:
        pos = source_sentence.lower().find(source_text.lower()) if source_text else -1
        if pos >= 0 and source_text:
            body = _highlighted(source_sentence, pos, pos + len(source_text), SOURCE_HIGHLIGHT, plain)
        else:
            body = _t(_clip(source_sentence, limit))
        out.append(Text.assemble(Text("source: ", style="dim"), body))
    if source_text and pos < 0:
        out.append(Text.assemble(Text("source wording: ", style="dim"), _t(_clip(source_text, limit), "bold")))
    return out


FindingGroup = list[Finding]


def group_findings(findings: Iterable[Finding]) -> list[FindingGroup]:
    """Findings with the same detector, category, severity, span wording and message, together.

    A misspelt name repeated five times is one problem for an editor; listing it five
    times buries the rest. Groups keep severity order, each in reading order.
    """
    groups: dict[tuple[str, str, str, str, str], FindingGroup] = {}
    for f in by_severity(findings):
        groups.setdefault((f.detector, f.category, f.severity, f.text, f.message), []).append(f)
    return list(groups.values())


def cap_groups(groups: list[FindingGroup], max_findings: int | None) -> tuple[list[FindingGroup], list[FindingGroup]]:
    """Shown and hidden groups: critical and major always shown, minor ones up to the cap."""
    if max_findings is None or max_findings <= 0:
        return groups, []
    shown: list[FindingGroup] = []
    hidden: list[FindingGroup] = []
    for g in groups:
        if g[0].severity != "minor" or len(shown) < max_findings:
            shown.append(g)
        else:
            hidden.append(g)
    return shown, hidden


def _finding_block(
    result: AuditResult, dr: DocumentResult, group: FindingGroup, number: int, *, plain: bool, verbose: bool
) -> list[RenderableType]:
    f = group[0]
    cs, ce = context_bounds(dr.doc, f)
    context = _highlighted(dr.doc.text[cs:ce], f.start - cs, f.end - cs, HIGHLIGHT_STYLE.get(f.severity, "bold"), plain)
    head = Text.assemble(
        Text(f"{number}. ", style="bold"),
        _t(f.severity.upper(), SEVERITY_STYLE.get(f.severity, "")),
        "  ",
        _t(f.category, "bold"),
    )
    if len(group) > 1:
        head.append(f"  ×{len(group)}", style="bold")
    head.append_text(Text(f"  ({f.detector}, {f.start}–{f.end})", style="dim"))
    lines: list[RenderableType] = [context, _t(f.message, "italic")]
    limit = None if verbose else MAX_SENTENCE_CHARS
    lines.extend(_source_line(aligned_source_sentence(result, dr, f), f.source_text, plain, limit))
    if len(group) > 1:
        where = ", ".join(f"{g.start}–{g.end}" for g in group[1:])
        lines.append(Text(f"same finding {len(group) - 1} more time{'s' if len(group) > 2 else ''} at {where}", style="dim"))
    if verbose and f.evidence:
        ev = ", ".join(f"{k}={f.evidence[k]}" for k in sorted(f.evidence, key=str))
        lines.append(Text.assemble(Text("evidence: ", style="dim"), _t(ev, "dim")))
    return [Text(""), head, Padding(Group(*lines), (0, 0, 0, 3))]


def findings_panel(
    result: AuditResult,
    dr: DocumentResult,
    *,
    plain: bool,
    verbose: bool = False,
    max_findings: int | None = MAX_FINDINGS,
) -> Panel:
    """A document's findings, most serious first, each in its sentence with the source beneath.

    Repeats of one finding are folded into one entry (``×N``). Unless verbose, minor
    findings beyond ``max_findings`` entries are counted, not shown; critical and major
    ones are always shown.
    """
    ordered = by_severity(dr.findings)
    counts = severity_counts(ordered)
    groups = group_findings(ordered)
    shown, hidden = cap_groups(groups, None if verbose else max_findings)
    blocks: list[RenderableType] = [_doc_line(dr)]
    for number, group in enumerate(shown, 1):
        blocks.extend(_finding_block(result, dr, group, number, plain=plain, verbose=verbose))
    if hidden:
        n_hidden = sum(len(g) for g in hidden)
        blocks.extend([
            Text(""),
            Text(
                f"… and {n_hidden} more minor finding{'s' if n_hidden != 1 else ''} "
                "(a verbose report, the JSON and the HTML reports list them all)",
                style="italic dim",
            ),
        ])
    title = Text.assemble(
        Text("Findings in ", style="bold"),
        _t(dr.id, "bold"),
        Text(f"  {len(ordered)}: ", style="dim"),
        *_join([Text(f"{counts[s]} {s}", style=SEVERITY_STYLE[s]) for s in SEVERITY_ORDER if counts[s]], ", "),
    )
    border = next((SEVERITY_STYLE[s].split()[-1] for s in SEVERITY_ORDER if counts[s]), "white")
    return Panel(Group(*blocks), title=title, title_align="left", border_style=border)


def _doc_line(dr: DocumentResult) -> Text:
    """Title, site and date of an article, as an editor would cite it."""
    d = dr.doc.document
    out = Text()
    if d.title:
        out.append_text(_t(f"“{d.title}”", "italic"))
        out.append("  ")
    meta = [x for x in (site_or_file(dr), d.date) if x]
    out.append_text(_t(" · ".join(meta), "dim"))
    return out


def errors_table(result: AuditResult) -> Table:
    """Inputs that could not be read, with the reason, so nobody assumes they were audited."""
    table = Table(title=Text("Inputs not audited", style="bold red"), box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("Path", overflow="fold", ratio=1)
    table.add_column("Reason", overflow="fold", ratio=2)
    for e in result.errors:
        table.add_row(_t(e.path), _t(e.reason))
    return table


def renderables(
    result: AuditResult,
    *,
    plain: bool = False,
    max_pairs: int = 12,
    verbose: bool = False,
    max_findings: int | None = MAX_FINDINGS,
    width: int | None = None,
) -> Iterable[RenderableType]:
    """The report as a sequence of renderables (for callers that compose their own layout).

    Overview first (totals, articles, categories), then article by article: its findings,
    then its alignment with the source, so an editor reads one story at a time.
    """
    yield header(result)
    yield summary_table(result, width)
    yield category_table(result)
    for dr in result.documents:
        if dr.findings:
            yield findings_panel(result, dr, plain=plain, verbose=verbose, max_findings=max_findings)
        # same_story links carry no sentence alignment: nothing to show side by side
        if dr.link is not None and dr.alignment is not None:
            yield alignment_panel(result, dr, max_pairs=max_pairs, verbose=verbose)
    if result.errors:
        yield errors_table(result)


def render_terminal(
    result: AuditResult,
    console: Console,
    *,
    max_pairs: int = 12,
    verbose: bool = False,
    max_findings: int | None = MAX_FINDINGS,
) -> None:
    """Print the whole audit to ``console``: summary, categories, then each article.

    ``max_pairs`` caps the alignment rows per reprint (weakest shown first when capped);
    ``max_findings`` caps the finding entries per article (critical and major always
    shown, further minor ones counted); ``verbose`` lifts both caps, shows full
    sentences and the detectors' evidence.
    """
    items = renderables(
        result, plain=_plain(console), max_pairs=max_pairs, verbose=verbose, max_findings=max_findings, width=console.width
    )
    for item in items:
        console.print(item)
        console.print()
