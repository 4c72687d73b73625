"""Every published table, defined once.

The order of `TABLES` is the publishing order: dimension tables first, so that foreign keys
always point backwards.
"""

from __future__ import annotations

from .fields import COMPARATORS, DATE_PATTERN, Field, ForeignKey, Provenance, RowCheck, Table

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SEP = "; "  # separator inside list-valued text cells


def _source_id(name: str = "source_id", required: bool = True, what: str = "the row") -> Field:
    return Field(name, "string", f"Seed document that {what} comes from (→ sources).",
                 required=required, pattern=ID_PATTERN)


def _quote(name: str = "quote", required: bool = True, what: str = "the row") -> Field:
    return Field(
        name, "string",
        f"Verbatim span(s) of the seed supporting {what}; several spans are joined by ' … '. "
        "Compared with the seed after Unicode NFKC and whitespace folding.",
        required=required)


def _note() -> Field:
    return Field("note", "string", "Curator's explanation: how a value was read, inferred or why it is missing.")


def _issue_ids() -> Field:
    return Field(
        "issue_ids", "string",
        "Errata-ledger entries (source_issues.issue_id) that affect this row, '; '-separated.",
        derived="the issue_id of every source_issues row whose affected_rows names this row")


def _date(name: str, description: str, text: str | None, evidence: str = "quote") -> Field:
    return Field(name, "date", description + " ISO 8601, reduced precision where the source gives less.",
                 pattern=DATE_PATTERN, text=text, evidence=evidence if text else None)


def _text(name: str, description: str, evidence: str = "quote") -> Field:
    return Field(name, "string", description, verbatim=True, evidence=evidence)


def _comparator(name: str = "comparator", what: str = "value") -> Field:
    return Field(name, "string",
                 f"How the {what} relates to the true amount: '=', '~' (about, nearly, approximately), "
                 "'<', '<=', '>', '>='.", enum=COMPARATORS)


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
        _text("title", "Title as the document gives it."),
        Field("document_type", "string", "What kind of document the seed is.", required=True,
              enum=("interview_transcript", "news_article", "technical_guide", "trial_listing")),
        _text("publisher", "Publisher or platform as the document names it."),
        Field("authors", "string", "Authors or speakers as the document names them, '; '-separated.",
              verbatim="items", evidence="quote"),
        _date("publication_date", "Publication date stated by the document.", text="publication_date_text"),
        _text("publication_date_text", "The document's own words for its publication date."),
        _date("revision_date", "Last update or review date stated by the document.", text="revision_date_text"),
        _text("revision_date_text", "The document's own words for its update or review date."),
        _text("url", "Web address the document gives for itself."),
        _text("rights", "Rights or licence statement, as the document states it."),
        _text("identifiers", "Serial numbers the document gives for itself (ISSN etc.)."),
        _quote(what="the title, authors, dates, address and rights"),
        _note(),
        _issue_ids(),
    ),
    primary_key="source_id",
    provenance=(Provenance("quote"),),
)

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
        _text("design", "Design as the seed describes it."),
        Field("phase", "string", "Trial phase as the seed states it.", enum=("I", "II", "III", "IIIb")),
        _text("registry_id", "ClinicalTrials.gov identifier as the seed gives it."),
        _text("sponsor", "Sponsor as the seed names it."),
        _text("setting", "Centre or setting as the seed names it."),
        _text("condition", "Condition or population studied, in the seed's words."),
        _text("intervention", "Treatment studied, in the seed's words."),
        Field("enrolment", "integer", "Number of patients enrolled or included.", minimum=0,
              unit="patients", evidence="quote", text="enrolment_text"),
        _comparator("enrolment_comparator", "enrolment"),
        _text("enrolment_text", "The seed's words for the enrolment ('nearly 500', '2,233 patients')."),
        _date("period_start", "Start of the period the study covers.", text="period_text"),
        _date("period_end", "End of the period the study covers.", text="period_text"),
        _text("period_text", "The seed's words for the study period."),
        _date("end_date", "End date listed for the trial.", text="end_date_text"),
        _text("end_date_text", "The seed's words for the end date."),
        _date("last_update", "Date the trial listing was last updated.", text="last_update_text"),
        _text("last_update_text", "The seed's words for the last update."),
        _date("reported_date", "When results were presented or published.", text="reported_text"),
        _text("reported_text", "The seed's words for when results were reported."),
        _text("reported_in", "Meeting or journal where results were reported, in the seed's words."),
        _text("status", "Status as the seed words it ('ongoing')."),
        _source_id(),
        _quote(),
        _note(),
        _issue_ids(),
    ),
    primary_key="study_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    checks=(
        RowCheck("enrolment_comparator_given", "enrolment_has_comparator", ("enrolment", "enrolment_comparator"),
                 "An enrolment figure carries a comparator, and a comparator needs a figure."),
        RowCheck("period_ordered", "period_ordered", ("period_start", "period_end"),
                 "The study period does not end before it starts."),
    ),
    provenance=(Provenance("quote"),),
)

DRUGS = Table(
    name="drugs",
    title="Drugs",
    description="One row per drug named in the seeds, with brand name, class and targets as the "
                "seeds state them; each attribute cites the seed it comes from.",
    kind="dimension",
    fields=(
        Field("drug_id", "string", "Lower-case international non-proprietary name (INN).", required=True,
              unique=True, pattern=r"^[a-z]+$"),
        _text("name", "The drug's name as the seed writes it."),
        _source_id(what="the drug's name"),
        _quote(what="the drug's name"),
        _text("brand_name", "Brand name as the seed gives it (trademark signs dropped).", evidence="brand_quote"),
        _source_id("brand_source_id", required=False, what="the brand name"),
        _quote("brand_quote", required=False, what="the brand name"),
        _text("drug_class", "Class as the seed states it.", evidence="class_quote"),
        _source_id("class_source_id", required=False, what="the class"),
        _quote("class_quote", required=False, what="the class"),
        Field("targets", "string", "Molecular targets the seed states, '; '-separated.", verbatim="items",
              evidence="targets_quote"),
        _source_id("targets_source_id", required=False, what="the targets"),
        _quote("targets_quote", required=False, what="the targets"),
        _note(),
        _issue_ids(),
    ),
    primary_key="drug_id",
    foreign_keys=(
        ForeignKey("source_id", "sources", "source_id"),
        ForeignKey("brand_source_id", "sources", "source_id"),
        ForeignKey("class_source_id", "sources", "source_id"),
        ForeignKey("targets_source_id", "sources", "source_id"),
    ),
    checks=(
        RowCheck("attribute_cited", "drug_attributes_cited",
                 ("brand_name", "brand_source_id", "brand_quote", "drug_class", "class_source_id",
                  "class_quote", "targets", "targets_source_id", "targets_quote"),
                 "Brand, class and targets each come with their own source and quote, or none of the three."),
    ),
    provenance=(Provenance("quote"), Provenance("brand_quote", "brand_source_id"),
                Provenance("class_quote", "class_source_id"), Provenance("targets_quote", "targets_source_id")),
)

Z95 = 1.959964

JUMP_PREDICTORS = Table(
    name="jump_predictors",
    title="Predictors of spleen response to ruxolitinib in the JUMP study",
    description="One row per predictor in Table 1 of the ruxolitinib guide: response rates of the two "
                "groups, the adjusted odds ratio with its confidence interval, and derived log-scale "
                "quantities for meta-analysis. The source does not say which group is the reference; "
                "the direction recorded is the one the numbers imply.",
    kind="extracted",
    fields=(
        Field("predictor_id", "string", "Short identifier of the predictor.", required=True, unique=True,
              pattern=ID_PATTERN),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN),
        Field("predictor", "string", "Predictor as the source names it ('Factor').", required=True,
              verbatim=True, evidence="quote"),
        Field("group_1", "string", "First group of the comparison, in the source's order.", required=True,
              verbatim=True, evidence="quote"),
        Field("group_2", "string", "Second group of the comparison, in the source's order.", required=True,
              verbatim=True, evidence="quote"),
        Field("response_pct_1", "number", "Spleen response rate in group_1.", required=True, minimum=0,
              maximum=100, unit="percent", evidence="quote"),
        Field("response_pct_2", "number", "Spleen response rate in group_2.", required=True, minimum=0,
              maximum=100, unit="percent", evidence="quote"),
        Field("adjusted_or", "number", "Adjusted odds ratio of spleen response as reported.", required=True,
              exclusive_minimum=0, evidence="quote"),
        Field("ci_lower", "number", "Lower bound of the confidence interval of adjusted_or.", required=True,
              exclusive_minimum=0, evidence="quote"),
        Field("ci_upper", "number", "Upper bound of the confidence interval of adjusted_or.", required=True,
              exclusive_minimum=0, evidence="quote"),
        Field("ci_level", "number", "Confidence level of the interval.", required=True, exclusive_minimum=0,
              maximum=100, unit="percent", evidence="quote"),
        Field("outcome", "string", "Outcome the odds ratio is about, as the source names it.", required=True,
              verbatim=True, evidence="quote"),
        Field("outcome_definition", "string", "Definition of the outcome, verbatim: the JUMP key efficacy "
              "endpoint, which the source does not explicitly tie to Table 1 (see note).",
              verbatim=True, evidence="quote"),
        Field("reference_group", "string", "Group the odds ratio compares against (denominator odds).",
              required=True),
        Field("direction_basis", "string", "Whether the source states the comparison direction or it is "
              "inferred from the numbers.", required=True, enum=("stated", "inferred")),
        Field("log_or", "number", "Natural log of adjusted_or.", derived="ln(adjusted_or)"),
        Field("se_log_or", "number", "Wald standard error of log_or recovered from the confidence interval.",
              derived=f"(ln(ci_upper) - ln(ci_lower)) / (2 * z), z = {Z95} for ci_level 95"),
        Field("crude_or", "number", "Unadjusted odds ratio from the two response rates, in the same "
              "direction as adjusted_or.",
              derived="odds(non-reference group rate) / odds(reference group rate), odds(p) = p / (100 - p)"),
        _source_id(),
        _quote(),
        _note(),
        _issue_ids(),
    ),
    primary_key="predictor_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    unique_together=(("study_id", "predictor"),),
    checks=(
        RowCheck("ci_ordered", "ci_ordered", ("ci_lower", "ci_upper"),
                 "The lower confidence bound is below the upper bound."),
        RowCheck("estimate_inside_ci", "estimate_inside_ci", ("adjusted_or", "ci_lower", "ci_upper"),
                 "The adjusted odds ratio lies inside its confidence interval."),
        RowCheck("estimate_at_log_midpoint", "estimate_at_log_midpoint", ("adjusted_or", "ci_lower", "ci_upper"),
                 "The adjusted odds ratio equals the geometric mean of its bounds, within what rounding "
                 "to 2 decimals allows."),
        RowCheck("crude_adjusted_same_side", "crude_adjusted_same_side", ("adjusted_or", "crude_or"),
                 "Crude and adjusted odds ratios lie on the same side of 1."),
        RowCheck("reference_is_a_group", "reference_is_a_group", ("reference_group", "group_1", "group_2"),
                 "The reference group is one of the two groups compared."),
    ),
    provenance=(Provenance("quote"),),
)

SWITCHING_MEASURES = ("prescriptions", "treatment_failures", "patients", "indication",
                      "next_treatment_by_target", "retention_at_9_months")

SWITCHING_COUNTS = Table(
    name="switching_cohort_counts",
    title="Counts reported by the Spanish JAK-inhibitor switching cohort",
    description="Every count the ACR Convergence 2023 report of the Spanish cohort gives (per drug, per "
                "indication, totals), one count per row. What the study analysed but the document does "
                "not report is a row with an empty count and a reason.",
    kind="extracted",
    fields=(
        Field("count_id", "string", "Row identifier.", required=True, unique=True, pattern=r"^C\d{2}$"),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN),
        Field("measure", "string", "What is counted.", required=True, enum=SWITCHING_MEASURES),
        Field("counted_unit", "string", "What one unit of the count is; empty where the source does not say "
              "and it cannot be inferred.", enum=("prescriptions", "treatment_failures", "patients")),
        Field("counted_unit_basis", "string", "Whether counted_unit is stated by the source, inferred by the "
              "curator (see note), or not stated.", required=True, enum=("stated", "inferred", "not_stated")),
        Field("drug", "string", "JAK inhibitor the count is about (→ drugs); empty for other rows.",
              pattern=r"^[a-z]+$"),
        Field("subgroup", "string", "Label of the part counted (drug, indication, next-treatment target) "
              "or 'total'.", required=True),
        Field("role", "string", "Whether the row is a part of a total or the total itself.", required=True,
              enum=("part", "total")),
        Field("count", "integer", "The count.", minimum=0, evidence="quote"),
        Field("missing_reason", "string", "Why the count is empty."),
        _source_id(),
        _quote(),
        _note(),
        _issue_ids(),
    ),
    primary_key="count_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("drug", "drugs", "drug_id"),
                  ForeignKey("source_id", "sources", "source_id")),
    unique_together=(("study_id", "measure", "subgroup"),),
    checks=(
        RowCheck("unit_basis_consistent", "unit_basis_consistent", ("counted_unit", "counted_unit_basis"),
                 "A counted unit is given exactly when its basis is not 'not_stated'."),
        RowCheck("count_or_reason", "count_or_reason", ("count", "missing_reason"),
                 "A row has a count or a reason why it is missing, never both or neither."),
        RowCheck("parts_add_up", "parts_add_up", ("study_id", "measure", "role", "count"),
                 "Parts sum to their total where every part is given, and never exceed it.", scope="table"),
        RowCheck("failures_within_prescriptions", "failures_within_prescriptions", ("drug", "measure", "count"),
                 "A drug's treatment failures do not exceed its prescriptions.", scope="table"),
    ),
    provenance=(Provenance("quote"),),
)

SWITCHING_RATES = Table(
    name="switching_failure_rates",
    title="Treatment-failure proportions per JAK inhibitor in the Spanish switching cohort",
    description="Derived from switching_cohort_counts: prescriptions, failures and the failure "
                "proportion with its Wilson 95% interval, per drug and overall. Drugs whose failures "
                "the source could not evaluate have empty proportions. Caveats: the per-drug "
                "denominators are prescriptions by inference (the source does not name the unit); every "
                "included treatment was discontinued and 'failure' is not defined; a patient may "
                "contribute several prescriptions, so the intervals assume an independence the data need "
                "not have; the total includes filgotinib's prescriptions. See issue_ids.",
    kind="derived",
    fields=(
        Field("subgroup", "string", "Drug (INN) or 'total'.", required=True, unique=True),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN,
              derived="study_id of the counts"),
        Field("drug", "string", "Drug (→ drugs); empty for the total.", pattern=r"^[a-z]+$",
              derived="drug of the counts"),
        Field("prescriptions", "integer", "JAK-inhibitor prescriptions.", minimum=0,
              derived="count of measure 'prescriptions'"),
        Field("failures", "integer", "JAK-inhibitor treatment failures.", minimum=0,
              derived="count of measure 'treatment_failures'"),
        Field("evaluable", "boolean", "Whether the source reports the failures.", required=True,
              derived="failures is not missing"),
        Field("failure_pct", "number", "Failures per 100 prescriptions.", minimum=0, maximum=100,
              unit="percent", derived="100 * failures / prescriptions"),
        Field("wilson_lower_pct", "number", "Lower bound of the Wilson 95% score interval.", minimum=0,
              maximum=100, unit="percent", derived="Wilson score interval, z = 1.959964"),
        Field("wilson_upper_pct", "number", "Upper bound of the Wilson 95% score interval.", minimum=0,
              maximum=100, unit="percent", derived="Wilson score interval, z = 1.959964"),
        Field("source_id", "string", "Seed the counts come from (→ sources).", required=True,
              pattern=ID_PATTERN, derived="source_id of the counts"),
        Field("issue_ids", "string", "Errata-ledger entries affecting the counts behind this row, or the row "
              "itself, '; '-separated.",
              derived="issue_ids of the prescription and failure counts, plus source_issues rows naming this row"),
    ),
    primary_key="subgroup",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("drug", "drugs", "drug_id"),
                  ForeignKey("source_id", "sources", "source_id")),
    checks=(
        RowCheck("wilson_brackets_estimate", "wilson_brackets_estimate",
                 ("failure_pct", "wilson_lower_pct", "wilson_upper_pct"),
                 "The Wilson interval contains the observed proportion."),
    ),
)

ELIGIBILITY_CATEGORIES = (
    "diagnosis", "performance_status", "fitness", "age", "organ_function", "laboratory",
    "life_expectancy", "consent", "contraception", "malignancy_history", "pregnancy", "comorbidity",
    "prior_treatment", "concurrent_research")

ELIGIBILITY = Table(
    name="nct03558607_eligibility",
    title="Eligibility criteria of NCT03558607 (ruxolitinib with chemotherapy in post-MPN AML)",
    description="One row per inclusion or exclusion criterion, verbatim and in the listing's order, with "
                "the threshold or time window where the criterion has one and whether its comparator "
                "is stated, inferred, or not stated at all.",
    kind="extracted",
    fields=(
        Field("criterion_id", "string", "I01… for inclusion, E01… for exclusion criteria.", required=True,
              unique=True, pattern=r"^[IE]\d{2}$"),
        Field("study_id", "string", "Study (→ studies).", required=True, pattern=ID_PATTERN),
        Field("kind", "string", "Inclusion or exclusion criterion.", required=True,
              enum=("inclusion", "exclusion")),
        Field("ordinal", "integer", "Position within its kind, as listed.", required=True, minimum=1),
        Field("text", "string", "The criterion, verbatim.", required=True, verbatim=True, evidence="quote"),
        Field("category", "string", "What the criterion is about.", required=True, enum=ELIGIBILITY_CATEGORIES),
        Field("parameter", "string", "Quantity the threshold or time window applies to."),
        _comparator(what="threshold"),
        _text("comparator_text", "The criterion's own words for the comparator."),
        Field("comparator_basis", "string", "Whether the comparator is stated, inferred by the curator "
              "(see note), or not stated at all.", enum=("stated", "inferred", "not_stated")),
        Field("value", "number", "Threshold or time-window length.", minimum=0, evidence="quote",
              text="value_text"),
        _text("value_text", "The criterion's words for the value where they are not digits ('four weeks')."),
        Field("unit", "string", "Unit of value."),
        _source_id(),
        _quote(),
        _note(),
        _issue_ids(),
    ),
    primary_key="criterion_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    unique_together=(("kind", "ordinal"),),
    checks=(
        RowCheck("id_matches_kind", "criterion_id_matches", ("criterion_id", "kind", "ordinal"),
                 "The identifier's letter matches the kind and its number the ordinal."),
        RowCheck("threshold_complete", "threshold_complete",
                 ("value", "unit", "parameter", "comparator", "comparator_basis"),
                 "A threshold has a parameter, a unit and a comparator basis; a comparator is given "
                 "exactly when its basis is not 'not_stated'."),
    ),
    provenance=(Provenance("quote"),),
)


def _figure_fields(id_pattern: str) -> tuple[Field, ...]:
    return (
        Field("figure_id", "string", "Row identifier.", required=True, unique=True, pattern=id_pattern),
        Field("study_id", "string", "Study the figure is about (→ studies); empty for context figures.",
              pattern=ID_PATTERN),
        Field("measure", "string", "What the figure measures (snake_case).", required=True,
              pattern=r"^[a-z][a-z0-9_]*$"),
        Field("value", "number", "The number; empty for qualitative amounts ('most patients').",
              evidence="quote", text="value_text"),
        Field("value_upper", "number", "Upper end where the source gives a range.", evidence="quote",
              text="value_text"),
        Field("denominator", "integer", "Denominator where the source gives 'x of n'.", minimum=1,
              evidence="quote"),
        _comparator(),
        Field("value_text", "string", "The source's words for the amount, date or identifier.",
              required=True, verbatim=True, evidence="quote"),
        Field("unit", "string", "Unit of value ('percent' means 0–100)."),
        _date("value_date", "The figure when it is a date.", text="value_text"),
        _text("identifier", "The figure when it is an identifier (PubMed id, NCT number)."),
        Field("population", "string", "Who the figure is about, in the source's words where it gives them."),
        _source_id(),
        _quote(),
        _note(),
        _issue_ids(),
    )


_FIGURE_CHECKS = (
    RowCheck("value_has_comparator", "value_has_comparator", ("value", "comparator"),
             "A number carries a comparator, and a comparator needs a number."),
    RowCheck("percent_in_range", "percent_in_range", ("value", "value_upper", "unit"),
             "Percentages lie between 0 and 100."),
    RowCheck("range_ordered", "range_ordered", ("value", "value_upper"),
             "A range's upper end is not below its lower end."),
    RowCheck("part_within_denominator", "part_within_denominator", ("value", "denominator"),
             "'x of n' has x no larger than n."),
    RowCheck("one_kind_of_figure", "one_kind_of_figure", ("value", "value_date", "identifier"),
             "A figure is a number, a date or an identifier, not several."),
)

PONATINIB = Table(
    name="ponatinib_figures",
    title="Figures from the NCI report on ponatinib's phase I and phase II trials",
    description="Every figure the NCI news report gives for the ponatinib trials and their context, one "
                "per row, with comparator and the report's own words. Qualitative amounts are rows with "
                "an empty value and the wording kept.",
    kind="extracted",
    fields=_figure_fields(r"^P\d{2}$"),
    primary_key="figure_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    checks=_FIGURE_CHECKS + (
        RowCheck("subgroups_within_enrolment", "subgroups_within_enrolment", ("study_id", "measure", "value"),
                 "A study's subgroup counts add up to no more than its enrolment.", scope="table"),
    ),
    provenance=(Provenance("quote"),),
)

BACKGROUND = Table(
    name="nct03558607_background",
    title="Background figures in the NCT03558607 trial description",
    description="Figures the trial listing's rationale cites (survival, mutation frequency, an earlier "
                "study's remissions, guideline ages), one per row, in the same layout as "
                "ponatinib_figures.",
    kind="extracted",
    fields=_figure_fields(r"^B\d{2}$"),
    primary_key="figure_id",
    foreign_keys=(ForeignKey("study_id", "studies", "study_id"), ForeignKey("source_id", "sources", "source_id")),
    checks=_FIGURE_CHECKS,
    provenance=(Provenance("quote"),),
)

MOLECULAR = Table(
    name="molecular_predictors",
    title="Molecular predictors of ruxolitinib response and resistance",
    description="The ruxolitinib guide's molecular predictors, from its Table 2 and its prose, one "
                "statement per row, so that disagreements between the two stay visible.",
    kind="extracted",
    fields=(
        Field("predictor_id", "string", "Row identifier.", required=True, unique=True, pattern=r"^M\d{2}$"),
        Field("presentation", "string", "Where in the guide the statement is made.", required=True,
              enum=("table", "prose", "conclusion")),
        _text("factor", "Molecular factor as the guide names it."),
        Field("genes", "string", "Genes the factor names, '; '-separated, as written.", verbatim="items",
              evidence="quote"),
        _text("associated_outcome", "Outcome the guide associates with the factor, in its words."),
        Field("direction", "string", "Whether the factor goes with a better or worse ruxolitinib outcome.",
              enum=("favorable", "unfavorable", "mixed")),
        _text("population", "Disease population, in the guide's words."),
        _comparator("threshold_comparator", "threshold"),
        Field("threshold_value", "number", "Threshold of the factor.", minimum=0, evidence="quote",
              text="threshold_text"),
        Field("threshold_unit", "string", "Unit of threshold_value."),
        _text("threshold_text", "The guide's words for the threshold."),
        Field("citation", "string", "The guide's reference number(s) for the statement.",
              pattern=r"^\d+(; \d+)*$"),
        _source_id(),
        _quote(),
        _note(),
        _issue_ids(),
    ),
    primary_key="predictor_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    checks=(
        RowCheck("threshold_has_comparator", "threshold_has_comparator", ("threshold_value", "threshold_comparator"),
                 "A threshold carries a comparator, and a comparator needs a threshold."),
    ),
    provenance=(Provenance("quote"),),
)

ISSUE_KINDS = ("garbled_text", "transcription_error", "terminology", "internal_contradiction", "arithmetic",
               "missing_content", "ambiguous", "formatting_artifact", "outdated", "unsupported_claim")

SOURCE_ISSUES = Table(
    name="source_issues",
    title="Errata ledger: problems found in the seeds",
    description="One row per problem found in a source (garbled or missing words, transcription "
                "errors, contradictions, missing pages, ambiguous units). Values affected are kept as "
                "written; this ledger says what is wrong and which rows it touches.",
    kind="ledger",
    fields=(
        Field("issue_id", "string", "Row identifier.", required=True, unique=True, pattern=r"^SI\d{2}$"),
        _source_id(what="the problem"),
        _quote(what="the problem"),
        Field("kind", "string", "Kind of problem.", required=True, enum=ISSUE_KINDS),
        Field("description", "string", "What is wrong and how the curation handled it.", required=True),
        Field("affected_rows", "string", "Rows the problem affects, as 'table:key', '; '-separated.",
              required=True, pattern=r"^[a-z0-9_]+:[A-Za-z0-9_]+(; [a-z0-9_]+:[A-Za-z0-9_]+)*$"),
    ),
    primary_key="issue_id",
    foreign_keys=(ForeignKey("source_id", "sources", "source_id"),),
    provenance=(Provenance("quote"),),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (SOURCES, STUDIES, DRUGS, JUMP_PREDICTORS, SWITCHING_COUNTS, SWITCHING_RATES, ELIGIBILITY,
              BACKGROUND, PONATINIB, MOLECULAR, SOURCE_ISSUES)
}
