"""Package metadata: one version for the Python package and datapackage.json."""

__version__ = "2.0.0"

#: Date of this release; datapackage.json's `created` uses it so that builds are reproducible.
RELEASE_DATE = "2026-12-02"

TITLE = "jakdata: hand-extracted clinical study data on JAK and related kinase inhibitors"

CITATION = (
    "jakdata curators (2026). jakdata: hand-extracted clinical study data on JAK and related kinase "
    f"inhibitors, version {__version__}."
)
