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
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..text.wording import count
from ..types import AlignedPair, AuditResult, DocumentResult, Finding
from .common import (
    SEVERITY_ORDER,
    aligned_source_sentence,
    bead_text,
    by_severity,
    category_counts,
    context_bounds,
    file_name,
    find_wording,
    fmt_float,
    fmt_pct,
    is_reprint,
    p_breakdown,
    pair_kind,
    score_summary,
    select_pairs,
    severity_counts,
    short_names,
    source_of,
    verdict_tally,
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
NARROW_BELOW = 60  # columns under which the report says the terminal is too narrow
STACKED_BEADS_BELOW = 80  # columns under which alignment beads are stacked, not side by side
TITLE_CHARS = 100  # of a headline in the Articles table


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


def _with_article(label: str) -> str:
    """'an edited copy', 'a machine translation'; 'not assessed' takes none."""
    words = _humanise(label)
    if label == "not_assessed":
        return words
    return ("an " if words[:1] in "aeiou" else "a ") + words


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


def _verdict_cell(dr: DocumentResult, inline: bool = False) -> Text:
    v = dr.verdict
    if v is None:
        return Text("–", style="dim")
    style = "bold red" if v.label == "machine_translation" else ""
    sep = " · " if inline else "\n"
    p_mt = "p(MT) n/a" if v.p_machine_translation is None else f"p(MT) {v.p_machine_translation:.2f}"
    out = Text.assemble(_t(_humanise(v.label), style), sep, Text(p_mt, style="dim"))
    if v.mode == "text_only":
        out.append(f"{sep}text only", style="dim italic")
    return out


def _source_cell(dr: DocumentResult, names: dict[str, str]) -> Text:
    """``edited copy of <name>`` for a reprint; nothing for an original.

    A ``same_story`` link says two articles cover one event, not that one is the other's
    source: an original shows no source, any other article says none was found.
    """
    if not is_reprint(dr):
        if dr.verdict is None or dr.verdict.label == "original":
            return Text("–", style="dim")
        return Text("none found", style="dim")
    assert dr.link is not None
    out = Text.assemble(_t(_humanise(dr.link.relation), "bold"), Text(" of ", style="dim"),
                        _t(names.get(dr.link.source_id, dr.link.source_id), "bold"))
    if dr.link.forced:
        out.append(" (given)", style="dim")
    if dr.link.mismatch:
        out.append(" — does not match", style="bold red")
    return out


def header(result: AuditResult) -> RenderableType:
    """Title rule, totals, and what the audit judged (the signature comes last)."""
    all_findings = [f for dr in result.documents for f in dr.findings]
    counts = severity_counts(all_findings)
    line = Text.assemble(
        f"{count(len(result.documents), 'article')} · {count(len(all_findings), 'finding')} (",
        *_join(
            [Text(f"{counts[s]} {s}", style=SEVERITY_STYLE[s] if counts[s] else "dim") for s in SEVERITY_ORDER],
            ", ",
        ),
        f") · {count(len(result.errors), 'input error')}",
    )
    return Group(Rule(Text("Translation audit", style="bold")), line, judged_line(result))


def judged_line(result: AuditResult) -> Text:
    """Verdicts counted by label, then how many articles have their source in the set.

    Two different counts, each named: an article judged machine-translated need not have
    its source among the inputs (a "reprint" count would hide it).
    """
    tally = verdict_tally(result)
    parts = [
        Text(f"{n} {_humanise(label)}", style="bold red" if label == "machine_translation" else "")
        for label, n in tally.items()
    ]
    with_source = sum(1 for dr in result.documents if is_reprint(dr))
    out = Text("Verdicts: ")
    if parts:
        out.append_text(Text.assemble(*_join(parts, ", ")))
    else:
        out.append("none", style="dim")
    out.append(f" · {with_source} of {len(result.documents)} with their source in this set", style="dim")
    return out


class FieldWrapped:
    """A ``|``-separated signature that wraps only between fields, never inside one.

    ``langdetect:1.0.9`` cut into ``langdetect:1.0`` / ``.9`` misquotes a version; each line
    here ends after a ``|``. A field wider than the terminal breaks between its ``+``
    parts; one that still does not fit is folded (nothing else can be done with it).
    """

    def __init__(self, label: str, value: str, style: str = "dim") -> None:
        self.label, self.value, self.style = label, value, style

    def lines(self, width: int) -> list[str]:
        fields = self.value.split("|")
        pieces: list[str] = []
        for k, field in enumerate(fields):
            piece = field + ("|" if k < len(fields) - 1 else "")
            if len(piece) > width - 2 and "+" in piece:  # a composite field: break between its parts
                parts = piece.split("+")
                pieces.extend(p + "+" for p in parts[:-1])
                pieces.append(parts[-1])
            else:
                pieces.append(piece)
        out: list[str] = []
        line = self.label
        for piece in pieces:
            if line.strip() and len(line) + len(piece) > width:
                out.append(line.rstrip())
                line = "  "
            line += piece
        out.append(line.rstrip())
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(max(options.max_width, 1)):
            yield Text(line, style=self.style, overflow="fold")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(f) for f in self.value.split("|")), default=0) + 1
        return Measurement(min(longest, options.max_width), min(len(self.label) + len(self.value), options.max_width))


def signature_block(result: AuditResult) -> RenderableType:
    """The signature, last: it identifies the run; it is not what an editor reads first."""
    return FieldWrapped("signature ", result.signature)


def narrow_note(width: int) -> Text:
    """One line saying the terminal is too narrow for the report to read well."""
    return Text(f"Terminal is {width} columns; this report needs {NARROW_BELOW}.", style="yellow")


def _join(items: list[Text], sep: str) -> list[Text | str]:
    out: list[Text | str] = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item)
    return out


def _article_cell(dr: DocumentResult, names: dict[str, str]) -> Text:
    """Short name and headline, then site, language and date, then the file name.

    The short name is what the rest of the report calls the article; the file name stays
    on the last line so the input can still be found.
    """
    d = dr.doc.document
    out = Text.assemble(_t(names.get(dr.id, dr.id), "bold"))
    if d.title:
        out.append_text(Text.assemble("  ", _t(_clip(d.title, TITLE_CHARS), "italic")))
    meta = " · ".join(x for x in (d.site, dr.doc.language, d.date) if x)
    if meta:
        out.append_text(Text.assemble("\n", _t(meta, "dim")))
    fname = file_name(dr)
    if fname and fname.rsplit(".", 1)[0] != names.get(dr.id, dr.id):
        out.append_text(Text.assemble("\n", _t(fname, "dim")))
    if d.warning:
        out.append_text(Text("\nwarning: see below", style="yellow"))
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
    elif s is not None and s.qe_note:
        lines.append("QE n/a")
    if lines == ["–"]:
        return Text("–", style="dim")
    return _t("\n".join(lines))


def _severity_header() -> Text:
    return Text.assemble(
        *_join([Text(sev[0].upper() if sev != "minor" else "m", style=SEVERITY_STYLE[sev]) for sev in SEVERITY_ORDER], "/")
    )


class WidthChoice:
    """Render ``wide`` when it fits the width it is given, else ``narrow``.

    A rich table that does not fit drops or crops columns (a verdict read "ma"); deciding
    at render time from rich's own measurement means nothing is ever cut.
    """

    def __init__(self, wide: RenderableType, narrow: RenderableType) -> None:
        self.wide, self.narrow = wide, narrow

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        need = table_min_width(console, options, self.wide) if isinstance(self.wide, Table) \
            else Measurement.get(console, options, self.wide).minimum
        yield self.wide if need <= options.max_width else self.narrow


def table_min_width(console: Console, options: ConsoleOptions, table: Table) -> int:
    """Columns a table needs so that no cell breaks inside a word and no column is cropped.

    Rich measures a table as at most the width it is offered, so its own measurement
    cannot tell "fits" from "will be squeezed"; this adds up each column's longest word
    (or its ``min_width``), the padding between columns and the edges.
    """
    wide = options.update_width(10_000)
    total = 0
    pad_left, pad_right = table.padding[3], table.padding[1]
    for k, column in enumerate(table.columns):
        cells = [column.header, *column.cells]
        need = max((Measurement.get(console, wide, c).minimum for c in cells), default=0)
        if column.no_wrap:
            need = max((Measurement.get(console, wide, c).maximum for c in cells), default=0)
        need = max(need, column.min_width or 0)
        first, last = k == 0, k == len(table.columns) - 1
        if table.pad_edge or not first:
            need += pad_left
        if table.pad_edge or not last:
            need += pad_right
        total += need
    if table.box is not None and table.show_edge:
        total += 2
    if table.box is not None and table.show_lines is not None:
        total += 0  # column separators are drawn inside the padding for the simple boxes used here
    return total


def summary_table(result: AuditResult, width: int | None = None) -> RenderableType:
    """The Articles overview: a table where it fits, one block per article where it does not."""
    names = short_names(result)
    return WidthChoice(_summary_grid(result, names, roomy=width is None or width >= 120), _summary_stacked(result, names))


def _summary_stacked(result: AuditResult, names: dict[str, str]) -> RenderableType:
    """One block per article, for terminals too narrow for the table.

    The name hangs in its own column (headline, site, file, source, scores, verdict and
    findings beside it) when names are short; long names get a line of their own.
    """
    hanging = max((len(names.get(dr.id, dr.id)) for dr in result.documents), default=0) <= 12
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    blocks: list[RenderableType] = [Text("Articles", style="bold"), Text("")]
    for dr in result.documents:
        d = dr.doc.document
        lines: list[Text] = []
        if d.title:
            lines.append(_t(_clip(d.title, TITLE_CHARS), "italic"))
        meta = " · ".join(x for x in (d.site, dr.doc.language, d.date, file_name(dr)) if x)
        if meta:
            lines.append(_t(meta, "dim"))
        source = _source_cell(dr, names)
        if source.plain != "–":
            lines.append(Text.assemble(Text("source ", style="dim"), source))
        scores = _score_lines(dr).plain.replace("\n", " · ")
        if scores != "–":
            lines.append(Text.assemble(Text("scores ", style="dim"), _t(scores)))
        lines.append(Text.assemble(Text("verdict ", style="dim"), _verdict_cell(dr, inline=True)))
        counts = severity_counts(dr.findings)
        shown = [Text(f"{counts[s]} {s}", style=SEVERITY_STYLE[s]) for s in SEVERITY_ORDER if counts[s]]
        lines.append(Text.assemble(Text("findings ", style="dim"), *(_join(shown, ", ") if shown else ["none"])))
        if d.warning:
            lines.append(Text("warning: see below", style="yellow"))
        name = _t(names.get(dr.id, dr.id), "bold")
        if dr is not result.documents[-1]:
            lines.append(Text(""))
        if hanging:
            grid.add_row(name, Group(*lines))
        else:
            blocks.extend([name, Padding(Group(*lines), (0, 0, 0, 2))])
    if hanging:
        blocks.append(grid)
    return Group(*blocks)


def _summary_grid(result: AuditResult, names: dict[str, str], roomy: bool = True) -> Table:
    """One row per article: where it comes from, how close it is, what the audit thinks.

    Five columns only: site, language, date and file name sit under the article's name,
    coverage and QE under the scores. Labels wrap between words, never inside one; on a
    terminal narrower than 120 columns (not ``roomy``) source and verdict wrap onto two
    lines to leave the headline room.
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
    table.add_column("Article", overflow="fold")
    table.add_column("Source", min_width=11, max_width=None if roomy else 14)
    table.add_column("Scores", no_wrap=True)
    table.add_column("Verdict", min_width=11, max_width=None if roomy else 13)
    table.add_column(_severity_header(), justify="right", no_wrap=True)
    for dr in result.documents:
        table.add_row(
            _article_cell(dr, names),
            _source_cell(dr, names),
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
    names = short_names(result)
    name, src_name = names.get(dr.id, dr.id), names.get(link.source_id, link.source_id)
    src_lang = src.doc.language if src is not None else "?"
    title = Text.assemble(
        _t(name, "bold"),
        Text(" ← ", style="dim"),
        _t(src_name, "bold"),
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
        elif s.qe_note:
            facts.append(s.qe_note)
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
    table.add_column(Text(f"Source ({src_lang}) {src_name}"), ratio=1)
    table.add_column(Text(f"Reprint ({dr.doc.language}) {name}"), ratio=1)
    table.add_column("Sim", justify="right", no_wrap=True)
    rows = [(pair, _bead_row(idx, pair, src, dr, limit)) for idx, pair in pairs]
    for _, row in rows:
        table.add_row(*row)
    stacked = Group(Text(""), *(_bead_stacked(pair, row, src_lang, dr.doc.language) for pair, row in rows))
    body.append(NarrowChoice(table, stacked, STACKED_BEADS_BELOW))
    if hidden:
        body.append(
            Text(
                f"Showing the {len(pairs)} weakest of {len(dr.alignment.pairs)} pairs, weakest first; "
                f"{hidden} hidden (verbose shows all).",
                style="italic dim",
            )
        )
    return Panel(Group(*body), title=title, title_align="left", border_style="blue")


class NarrowChoice:
    """Render ``wide`` from ``columns`` wide up, ``narrow`` below (side-by-side text columns
    under ~35 characters each read as a ragged strip of words)."""

    def __init__(self, wide: RenderableType, narrow: RenderableType, columns: int) -> None:
        self.wide, self.narrow, self.columns = wide, narrow, columns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide if options.max_width >= self.columns - 4 else self.narrow


def _bead_stacked(pair: AlignedPair, row: tuple[Text, Text, Text, Text], src_lang: str, rep_lang: str) -> RenderableType:
    """One alignment bead as lines: number with similarity (or what is missing), then text."""
    label, src_text, rep_text, sim = row
    kind = pair_kind(pair)
    head = Text.assemble(Text("#", style="dim"), label.copy())
    lines: list[RenderableType] = []
    if kind == "omission":
        head.append_text(Text("  omitted from reprint", style=OMISSION_STYLE))
        lines.append(Text.assemble(Text(f"source ({src_lang}) ", style="dim"), src_text.copy()))
    elif kind == "addition":
        head.append_text(Text("  added, not in source", style=ADDITION_STYLE))
        lines.append(Text.assemble(Text(f"reprint ({rep_lang}) ", style="dim"), rep_text.copy()))
    else:
        head.append_text(Text.assemble(Text("  sim ", style="dim"), sim.copy()))
        lines.append(Text.assemble(Text(f"source ({src_lang}) ", style="dim"), src_text.copy()))
        lines.append(Text.assemble(Text(f"reprint ({rep_lang}) ", style="dim"), rep_text.copy()))
    return Group(head, Padding(Group(*lines), (0, 0, 1, 2)))


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


def _elided(text: str, start: int, end: int, limit: int) -> tuple[str, int, int]:
    """``text`` with the middle of its ``[start:end)`` span cut to about ``limit`` characters
    ("first words … last words", at word boundaries): a 12-sentence added passage is
    located by where it starts and ends, the JSON and HTML reports keep it whole."""
    span = text[start:end]
    head = span[: limit * 2 // 3].rsplit(" ", 1)[0]
    tail = span[-(limit // 3):].split(" ", 1)[-1]
    cut = f"{head} … {tail}"
    return text[:start] + cut + text[end:], start, start + len(cut)


def _source_line(source_sentence: str | None, source_text: str | None, plain: bool, limit: int | None,
                 omitted: bool = False) -> list[Text]:
    """The aligned source sentence (wording highlighted when it occurs there).

    When the detector's source wording is not inside that sentence (an omission quotes
    the missing sentences, for instance) it gets its own line, clipped unless verbose:
    a 300-word omission is a fact to state, not a paragraph to reprint.
    """
    out: list[Text] = []
    pos = -1
    if source_sentence:
        pos = find_wording(source_sentence, source_text)
        if pos >= 0 and source_text:
            body = _highlighted(source_sentence, pos, pos + len(source_text), SOURCE_HIGHLIGHT, plain)
        else:
            body = _t(_clip(source_sentence, limit))
        out.append(Text.assemble(Text("source: ", style="dim"), body))
    if source_text and pos < 0:
        label = "missing from the reprint: " if omitted else "source wording: "
        out.append(Text.assemble(Text(label, style="dim"), _t(_clip(source_text, limit), "bold")))
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
    text, start, end = dr.doc.text[cs:ce], f.start - cs, f.end - cs
    if not verbose and end - start > MAX_SENTENCE_CHARS:  # an added passage: its first and last words
        text, start, end = _elided(text, start, end, MAX_SENTENCE_CHARS)
    context = _highlighted(text, start, end, HIGHLIGHT_STYLE.get(f.severity, "bold"), plain)
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
    lines.extend(_source_line(aligned_source_sentence(result, dr, f), f.source_text, plain, limit,
                              omitted=f.category == "accuracy/omission"))
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
        _t(short_names(result).get(dr.id, dr.id), "bold"),
        Text(f" · {count(len(ordered), 'finding')}: ", style="dim"),
        *_join([Text(f"{counts[s]} {s}", style=SEVERITY_STYLE[s]) for s in SEVERITY_ORDER if counts[s]], ", "),
    )
    border = next((SEVERITY_STYLE[s].split()[-1] for s in SEVERITY_ORDER if counts[s]), "white")
    return Panel(Group(*blocks), title=title, title_align="left", border_style=border)


def reasons_block(result: AuditResult, dr: DocumentResult) -> RenderableType:
    """The verdict and its top reasons in plain words (the numbers are in JSON and HTML).

    Each reason hangs after its bullet, so a wrapped reason does not run back to column 0.
    """
    v = dr.verdict
    head = Text.assemble(Text("Why ", style="bold"), _t(short_names(result).get(dr.id, dr.id), "bold"),
                         Text(" is ", style="dim"),
                         _t(_with_article(v.label), "bold red" if v.label == "machine_translation" else "bold"))
    bullets = Table.grid(padding=(0, 1, 0, 0))
    bullets.add_column(no_wrap=True)
    bullets.add_column()
    for reason in v.reasons:
        bullets.add_row(Text("  •"), _t(reason))
    parts = p_breakdown(v)
    if parts:  # the table's p(MT) is the verdict's; the model's own figure is one part of it
        bullets.add_row(Text("   "), _t(f"p(MT) {v.p_machine_translation:.2f} is the verdict's probability; {parts}", "dim"))
    return Group(head, bullets)


def _doc_line(dr: DocumentResult) -> Text:
    """Title, site and date of an article, as an editor would cite it, and its file."""
    d = dr.doc.document
    out = Text()
    if d.title:
        out.append_text(_t(f"“{d.title}”", "italic"))
        out.append("  ")
    meta = [x for x in (d.site, d.date, file_name(dr)) if x]
    out.append_text(_t(" · ".join(meta), "dim"))
    return out


def warning_line(result: AuditResult, dr: DocumentResult) -> Text:
    """The article's ingest warning (why the fallback HTML extractor ran), in the report
    itself and not only on stderr: a reader must know the text may hold page chrome."""
    return Text.assemble(Text("Warning ", style="bold yellow"), _t(short_names(result).get(dr.id, dr.id), "bold"),
                         Text(": ", style="dim"), _t(dr.doc.document.warning or "", "yellow"))


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
    then its alignment with the source, so an editor reads one story at a time; the
    signature that identifies the run comes last. Under ``NARROW_BELOW`` columns a note
    says the terminal is too narrow.
    """
    if width is not None and width < NARROW_BELOW:
        yield narrow_note(width)
    yield header(result)
    yield summary_table(result, width)
    yield category_table(result)
    for dr in result.documents:
        if dr.doc.document.warning:
            yield warning_line(result, dr)
        if dr.verdict is not None and dr.verdict.reasons:
            yield reasons_block(result, dr)
        if dr.findings:
            yield findings_panel(result, dr, plain=plain, verbose=verbose, max_findings=max_findings)
        # same_story links carry no sentence alignment: nothing to show side by side
        if dr.link is not None and dr.alignment is not None:
            yield alignment_panel(result, dr, max_pairs=max_pairs, verbose=verbose)
    if result.errors:
        yield errors_table(result)
    yield signature_block(result)


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
