"""The dimension tables: source documents, studies and drugs."""

from __future__ import annotations

from ..fields import Derivation, Field, ForeignKey, Provenance, RowCheck, Table
from .common import ID_PATTERN, comparator, date, given_together, issue_ids, note, quote, source_id, text


def _seed_hashes(frame, inputs, root):
    """sources.sha256: the SHA-256 of each seed file inside the package (missing where there is none)."""
    import pandas as pd

    from ..paths import inside, sha256_of

    out = frame.copy()
    files = [inside(root, rel) if root is not None else None for rel in frame["seed_file"].astype("object")]
    out["sha256"] = pd.array([sha256_of(p) if p is not None else None for p in files], dtype="string")
    return out


def _seeds_exist(got, expected, root) -> list:
    """A source whose seed file is missing, or outside the package, is a problem of its own."""
    import pandas as pd

    from ..paths import inside
    from ..report import problem, spreadsheet_row

    out = []
    if root is None:  # a sources file checked on its own: there is no package to find seeds in
        return out
    for i, (sid, rel) in enumerate(zip(got["source_id"], got["seed_file"])):
        if pd.notna(rel) and inside(root, rel) is None:
            out.append(problem("sources", "seed_missing", spreadsheet_row(i), None if pd.isna(sid) else str(sid),
                               "seed_file", rel))
    return out


SOURCES = Table(
    name="sources",
    title="Source documents",
    description="One row per seed document: where it is, its SHA-256, and what it says about itself.",
    kind="dimension",
    fields=(
        Field("source_id", "string", "Short stable identifier of the seed.", required=True, unique=True,
              pattern=ID_PATTERN),
        Field("seed_file", "string", "Path of the verbatim copy, relative to the package root.",
              required=True, unique=True, pattern=r"^seeds/[A-Za-z0-9_.]+\.txt$"),
        Field("sha256", "string", "SHA-256 of the seed file's bytes.", required=True,
              pattern=r"^[0-9a-f]{64}$", derived="sha256(bytes of seed_file)"),
        text("title", "Title as the document gives it."),
        Field("document_type", "string", "What kind of document the seed is.", required=True,
              enum=("interview_transcript", "news_article", "technical_guide", "trial_listing")),
        text("publisher", "Publisher or platform as the document names it."),
        Field("authors", "string", "Authors or speakers as the document names them, '; '-separated.",
              verbatim="items", evidence="quote"),
        date("publication_date", "Publication date stated by the document.", text="publication_date_text"),
        text("publication_date_text", "The document's own words for its publication date."),
        date("revision_date", "Last update or review date stated by the document.", text="revision_date_text"),
        text("revision_date_text", "The document's own words for its update or review date."),
        text("url", "Web address the document gives for itself."),
        text("rights", "Rights or licence statement, as the document states it."),
        text("identifiers", "Serial numbers the document gives for itself (ISSN etc.)."),
        quote(what="the title, authors, dates, address and rights"),
        note(),
        issue_ids(),
    ),
    primary_key="source_id",
    provenance=(Provenance("quote"),),
    derivation=Derivation(_seed_hashes, recheck=_seeds_exist, check="seed_hash"),
)


def _enrolment_has_comparator(df):
    return given_together(df, "enrolment", "enrolment_comparator")


def _period_ordered(df):
    import pandas as pd

    start, end = df["period_start"].astype("object"), df["period_end"].astype("object")
    out = [True if (pd.isna(a) or pd.isna(b)) else str(a)[: len(str(b))] <= str(b) for a, b in zip(start, end)]
    return pd.Series(out, index=df.index, dtype=bool)


STUDIES = Table(
    name="studies",
    title="Studies and trials",
    description="One row per study or trial the seeds give facts about, with its design, "
                "population and dates as the seeds give them.",
    kind="dimension",
    fields=(
        Field("study_id", "string", "Short stable identifier of the study.", required=True, unique=True,
              pattern=ID_PATTERN),
        Field("name", "string", "Name of the study (the seed's name where it gives one).", required=True),
        text("design", "Design as the seed describes it."),
        Field("phase", "string", "Trial phase as the seed states it.", enum=("I", "II", "III", "IIIb")),
        text("registry_id", "ClinicalTrials.gov identifier as the seed gives it."),
        text("sponsor", "Sponsor as the seed names it."),
        text("setting", "Centre or setting as the seed names it."),
        text("condition", "Condition or population studied, in the seed's words."),
        text("intervention", "Treatment studied, in the seed's words."),
        Field("enrolment", "integer", "Number of patients enrolled or included.", minimum=0,
              unit="patients", evidence="quote", text="enrolment_text"),
        comparator("enrolment_comparator", "enrolment"),
        text("enrolment_text", "The seed's words for the enrolment ('nearly 500', '2,233 patients')."),
        date("period_start", "Start of the period the study covers.", text="period_text"),
        date("period_end", "End of the period the study covers.", text="period_text"),
        text("period_text", "The seed's words for the study period."),
        date("end_date", "End date listed for the trial.", text="end_date_text"),
        text("end_date_text", "The seed's words for the end date."),
        date("last_update", "Date the trial listing was last updated.", text="last_update_text"),
        text("last_update_text", "The seed's words for the last update."),
        date("reported_date", "When results were presented or published.", text="reported_text"),
        text("reported_text", "The seed's words for when results were reported."),
        text("reported_in", "Meeting or journal where results were reported, in the seed's words."),
        text("status", "Status as the seed words it ('ongoing')."),
        source_id(),
        quote(),
        note(),
        issue_ids(),
    ),
    primary_key="study_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    checks=(
        RowCheck("enrolment_comparator_given", _enrolment_has_comparator, ("enrolment", "enrolment_comparator"),
                 "An enrolment figure carries a comparator, and a comparator needs a figure.",
                 "enrolment {enrolment} and enrolment_comparator {enrolment_comparator}: give both or neither"),
        RowCheck("period_ordered", _period_ordered, ("period_start", "period_end"),
                 "The study period does not end before it starts.",
                 "the period ends ({period_end}) before it starts ({period_start})"),
    ),
    provenance=(Provenance("quote"),),
)


def _drug_attributes_cited(df):
    ok = given_together(df, "brand_name", "brand_source_id", "brand_quote")
    ok &= given_together(df, "drug_class", "class_source_id", "class_quote")
    ok &= given_together(df, "targets", "targets_source_id", "targets_quote")
    return ok


DRUGS = Table(
    name="drugs",
    title="Drugs",
    description="One row per drug named in the seeds, with brand name, class and targets as the "
                "seeds state them; each attribute cites the seed it comes from.",
    kind="dimension",
    fields=(
        Field("drug_id", "string", "Lower-case international non-proprietary name (INN).", required=True,
              unique=True, pattern=r"^[a-z]+$"),
        text("name", "The drug's name as the seed writes it."),
        source_id(what="the drug's name"),
        quote(what="the drug's name"),
        text("brand_name", "Brand name as the seed gives it (trademark signs dropped).", evidence="brand_quote"),
        source_id("brand_source_id", required=False, what="the brand name"),
        quote("brand_quote", required=False, what="the brand name"),
        text("drug_class", "Class as the seed states it.", evidence="class_quote"),
        source_id("class_source_id", required=False, what="the class"),
        quote("class_quote", required=False, what="the class"),
        Field("targets", "string", "Molecular targets the seed states, '; '-separated.", verbatim="items",
              evidence="targets_quote"),
        source_id("targets_source_id", required=False, what="the targets"),
        quote("targets_quote", required=False, what="the targets"),
        note(),
        issue_ids(),
    ),
    primary_key="drug_id",
    foreign_keys=(
        ForeignKey("source_id", "sources", "source_id"),
        ForeignKey("brand_source_id", "sources", "source_id"),
        ForeignKey("class_source_id", "sources", "source_id"),
        ForeignKey("targets_source_id", "sources", "source_id"),
    ),
    checks=(
        RowCheck("attribute_cited", _drug_attributes_cited,
                 ("brand_name", "brand_source_id", "brand_quote", "drug_class", "class_source_id",
                  "class_quote", "targets", "targets_source_id", "targets_quote"),
                 "Brand, class and targets each come with their own source and quote, or none of the three.",
                 "brand, class and targets each need their value, source and quote together"),
    ),
    provenance=(Provenance("quote"), Provenance("brand_quote", "brand_source_id"),
                Provenance("class_quote", "class_source_id"), Provenance("targets_quote", "targets_source_id")),
)

#: Publishing position of this module's tables (see jakdata.catalog).
ORDER = 10
TABLES = (SOURCES, STUDIES, DRUGS)
