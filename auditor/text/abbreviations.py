"""Abbreviation, month and sentence-starter tables for the rule-based sentence splitter.

Data only. A period after an abbreviation is ambiguous in different ways, so each
abbreviation carries a *class* that tells :mod:`auditor.text.segment` how to decide:

``TITLE``     never ends a sentence: "Mr.", "Sra.", "Gen.", French "M." (a name follows).
``INNER``     never ends a sentence: "e.g.", "z. B.", "p. ej.", "bzw.", "vs.", "ca.".
``NUMERIC``   usually precedes a number: "No. 5", "Nr. 3", "art. 12", "p. 4"; before a
              number it is no break, before a word it is a normal full stop
              (Spanish "No." is also the one-word sentence "No.").
``AMBIGUOUS`` often sits mid-sentence before a capitalised word ("U.S. State
              Department", "Acme Corp. chief", "Jan. 5") but may end a sentence
              ("... in the U.S. The ..."): a break only when the next word is a
              typical sentence starter (see :data:`STARTERS`).
``TERMINAL``  usually ends a list and so the sentence ("etc.", "usw."): a break before
              any capitalised word.

Keys are lower-case with spaces and the final period removed, so "z. B." and "z.B."
share the key ``"z.b"``. Tables are per language plus :data:`COMMON` (titles and
abbreviations that English-language names and wire copy carry into every language).
Unknown languages get the union of all tables, which errs towards fewer breaks.
"""

from __future__ import annotations

TITLE = "title"
INNER = "inner"
NUMERIC = "numeric"
AMBIGUOUS = "ambiguous"
TERMINAL = "terminal"


def _table(**groups: str) -> dict[str, str]:
    """Build ``{key: class}`` from whitespace-separated abbreviation lists per class."""
    classes = {"title": TITLE, "inner": INNER, "numeric": NUMERIC, "ambiguous": AMBIGUOUS, "terminal": TERMINAL}
    out: dict[str, str] = {}
    for cls, words in groups.items():
        for w in words.split():
            out[normalize_key(w)] = classes[cls]
    return out


def normalize_key(token: str) -> str:
    """Lookup key of an abbreviation token: lower case, no spaces, no final period."""
    return token.replace(" ", "").lower().rstrip(".")


COMMON: dict[str, str] = _table(
    title="Mr. Mrs. Ms. Messrs. Dr. Drs. Prof. Gen. Lt. Col. Maj. Capt. Sgt. Cpl. Adm. Cmdr. "
    "Gov. Sen. Rep. Reps. Pres. Hon. Rev. Fr. Sr. Sra. Srta.",
    inner="e.g. i.e. vs. v. cf. viz. approx. ca.",
    numeric="No. Nos. Nr. Nº",
    ambiguous="Jr. U.S. U.K. U.N. E.U. Inc. Corp. Co. Ltd. Plc. LLC. S.A. St. Mt. Ft. a.m. p.m. "
    "Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec.",
    terminal="etc.",
)

BY_LANG: dict[str, dict[str, str]] = {
    "en": _table(
        title="Mx. Sec. Sens. Gens. Amb. Supt. Insp. Det. Atty.",
        inner="a.k.a.",
        numeric="Vol. Vols. Ch. Fig. Figs. Art. pp. Tel.",
        ambiguous="et al. Ave. Blvd. Rd. Bros. Dept. Univ. Assn. Dist. Ariz. Calif. Colo. Conn. Fla. Ind. "
        "Kan. Ky. Md. Mich. Minn. Mont. Neb. Nev. Okla. Tenn. Tex. Vt. Wis. Wyo. D.C.",
    ),
    "es": _table(
        title="Sres. Sras. Dra. Dras. Dña. Lic. Ing. Arq. Gral. Cnel. Tte. Excmo. Excma. "
        "Ilmo. Sto. Sta. Mons. Pbro.",
        inner="p.ej. aprox. vid. cfr.",
        numeric="núm. nro. art. arts. pág. págs. tel. cap. fig. vol. t.",
        ambiguous="Av. Avda. EE.UU. EE. UU. RR.UU. CC.OO. S.L. S.R.L. Cía. Hnos. Dpto. Univ. "
        "ene. feb. abr. jun. jul. ago. sept. oct. nov. dic. a.C. d.C.",
        terminal="etc.",
    ),
    "fr": _table(
        title="M. MM. Mme. Mmes. Mlle. Mlles. Me. Mgr. Pr. Dr.",
        inner="p.ex. c.-à-d. cf. env. c.",
        numeric="n° no. art. p. pp. vol. chap. fig. tél. t.",
        ambiguous="av. bd. boul. S.A.R.L. janv. févr. avr. juil. sept. oct. nov. déc.",
        terminal="etc.",
    ),
    "de": _table(
        title="Hr. Hrn. Fr. Frl. Dipl. Ing. Mag. Prof. Dr.",
        inner="z.B. d.h. u.a. bzw. vgl. sog. ggf. evtl. ca. inkl. exkl. zzgl. bspw. insb. v.a. "
        "u.U. i.d.R. o.ä. z.T. z.Zt. s.o. s.u. u.v.m.",
        numeric="Nr. Abs. Art. Bd. Kap. Tel. Abb. Str.",
        ambiguous="GmbH. AG. e.V. Jan. Feb. Mär. Apr. Aug. Sept. Okt. Nov. Dez. v.Chr. n.Chr. Jh. Jhd.",
        terminal="usw. etc. u.Ä. u.ä.",
    ),
    "pt": _table(
        title="Sr. Sra. Srs. Sras. Dr. Dra. Drs. Eng. Exmo. Exma. Prof. Profa. Gen. Cel. Ten. Sto. Sta.",
        inner="p.ex. aprox. cf.",
        numeric="n.º nº núm. art. arts. pág. págs. p. vol. cap. fig. tel.",
        ambiguous="Av. Ltda. S.A. Cia. EUA. EE.UU. jan. fev. mar. abr. mai. jun. jul. ago. set. out. nov. dez. a.C. d.C.",
        terminal="etc.",
    ),
    "it": _table(
        title="Sig. Sigg. Sig.ra Sig.na Dott. Dott.ssa Prof. Prof.ssa Avv. Ing. Arch. On. Geom. Rag. Mons. Gen. Col.",
        inner="ad es. ca.",
        numeric="n. art. pag. pagg. vol. cap. fig. tel.",
        ambiguous="S.p.A. S.r.l. gen. feb. mar. apr. mag. giu. lug. ago. sett. ott. nov. dic. a.C. d.C.",
        terminal="ecc. etc.",
    ),
}

# Two-token abbreviations written with a space ("z. B.") are looked up under the joined
# key ("z.b"); the first part alone ("z.") must not look like the end of a sentence either,
# and it does not, because a lower-case word follows it or it is an INNER key itself.

MONTHS: frozenset[str] = frozenset(
    m.lower()
    for m in (
        "January February March April May June July August September October November December "
        "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre "
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
        "Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember "
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro "
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
    ).split()
)

STARTERS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "The A An He She It They We I You This That These Those There Here But And Or So Yet "
        "In On At For From By With As After Before When While If Although Though Because Since "
        "However Meanwhile Still Also Then Now Its His Her Their Our My Your Some Many Most Such "
        "What Who Which Why How Where No Not One Both Each Every All Another Other Officials "
        "According During Despite Under Over Earlier Later Last Next Today Yesterday Thus Instead",
        "es": "El La Los Las Lo Un Una Unos Unas Él Ella Ellos Ellas Este Esta Estos Estas Ese Esa Esos "
        "Esas Eso Esto Pero Y O En Con Por Para Sin Según Sobre Tras Desde Durante Cuando Si Aunque "
        "Mientras Además También Así No Su Sus Al Del Hay Yo Nosotros Se Le Les Ya Luego Entonces "
        "Sin Como Antes Después Ayer Hoy Otro Otra Todos Cada Ahora Tal Incluso Aquí Allí Hace Nadie Nada "
        "Algunos Muchos Nuestro Nuestra",
        "fr": "Le La Les L Un Une Des Il Elle Ils Elles On Nous Vous Je Ce Cet Cette Ces Cela Mais Et Ou "
        "En Dans Pour Par Avec Sans Selon Lors Quand Si Alors Cependant Toutefois Depuis Après Avant "
        "Son Sa Ses Leur Leurs Au Aux Du De Pendant Puis Ainsi Aussi Il Y Tous Chaque Hier Aujourd",
        "de": "Der Die Das Den Dem Des Ein Eine Einen Einem Er Sie Es Wir Ich Ihr Man Dies Diese Dieser "
        "Dieses Aber Und Oder Doch In Im Am An Auf Mit Nach Bei Von Vom Zu Zum Zur Für Seit Wenn Als "
        "Da Dann Auch Noch Nun So Sein Seine Ihre Unter Über Trotz Laut Während Nachdem Bevor Weil "
        "Dabei Damit Deshalb Jedoch Zudem Außerdem Gestern Heute Alle Jeder",
        "pt": "O A Os As Um Uma Uns Umas Ele Ela Eles Elas Este Esta Estes Estas Esse Essa Isso Isto Mas "
        "E Ou Em No Na Nos Nas Com Por Para Sem Segundo Quando Se Embora Também Não Seu Sua Seus "
        "Suas Ao Aos Do Da Há Já Depois Antes Durante Ontem Hoje Assim Cada Todos",
        "it": "Il Lo La I Gli Le L Un Una Uno Lui Lei Loro Noi Questo Questa Quello Quella Ma E O In Con "
        "Per Da Dal Nel Nella Secondo Quando Se Anche Non Suo Sua Suoi Al Alla Del Della Dopo Prima "
        "Durante Ieri Oggi Così Ogni Tutti",
    }.items()
}

# Verbs of saying that, after 1-4 capitalised words, turn a quotation into the first half
# of its own sentence: '"Are you ready?" CNN reported.' is one sentence, not two.
SPEECH_VERBS: frozenset[str] = frozenset(
    (
        "said says added adds asked asks told tells wrote writes reported reports explained explains "
        "continued stated replied noted notes insisted warned declared concluded recalled shouted "
        "tweeted posted argued acknowledged admitted announced confirmed responded remarked "
        "dijo dice afirmó añadió agregó señaló explicó preguntó declaró indicó aseguró comentó "
        "escribió respondió advirtió "
        "disse afirmou acrescentou explicou perguntou declarou escreveu respondeu referiu "
        "sagte sagt erklärte fragte schrieb betonte fügte "
        "disse ha detto dichiarato spiegato aggiunto"
    ).split()
)


def abbreviations_for(lang: str) -> dict[str, str]:
    """The abbreviation table for ``lang`` (COMMON plus the language's own entries).

    Languages without a table get the union of all tables: a missed break costs less
    downstream (the aligner can join) than a sentence cut after "Dr.".
    """
    table = dict(COMMON)
    if lang in BY_LANG:
        table.update(BY_LANG[lang])
    else:
        for t in BY_LANG.values():
            for k, v in t.items():
                table.setdefault(k, v)
    return table


def starters_for(lang: str) -> frozenset[str]:
    """Capitalised words that typically open a sentence in ``lang`` (English always included).

    English is always added because wire copy quoted in any language keeps English
    names and acronyms ("U.S."), and English starters rarely collide with mid-sentence
    capitalised words in the other languages.
    """
    if lang in STARTERS:
        return STARTERS[lang] | STARTERS["en"]
    out: frozenset[str] = frozenset()
    for s in STARTERS.values():
        out |= s
    return out
