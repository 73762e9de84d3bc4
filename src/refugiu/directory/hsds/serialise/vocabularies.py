"""Taxonomies and their terms (taxonomy.json, taxonomy_term.json)."""

from refugiu.directory import models as d
from refugiu.directory.hsds.serialise.fields import (
    TAXONOMY_FIELDS,
    TAXONOMY_TERM_FIELDS,
    HsdsRecord,
    fields_of,
    with_extra,
)


def taxonomy_serialise(*, taxonomy: d.Taxonomy) -> HsdsRecord:
    return with_extra(fields_of(taxonomy, TAXONOMY_FIELDS), taxonomy)


def taxonomy_term_serialise(*, term: d.TaxonomyTerm) -> HsdsRecord:
    """A term with its taxonomy (`taxonomy_detail`): select_related("taxonomy_ref") saves a query."""
    data = fields_of(term, TAXONOMY_TERM_FIELDS)
    if term.taxonomy_ref is not None:  # no query when it has no taxonomy
        data["taxonomy_detail"] = taxonomy_serialise(taxonomy=term.taxonomy_ref)
    if term.translations:
        data["translations"] = term.translations
    return with_extra(data, term)
