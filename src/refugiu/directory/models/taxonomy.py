"""HSDS taxonomies and their terms (what a service is, who it is for)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.directory.models.base import HsdsModel, WebAddressField
from refugiu.directory.models.translatable import Translatable
from refugiu.directory.translations import TRANSLATED_FIELDS


class Taxonomy(HsdsModel):
    name = models.CharField(_("name"), max_length=None)
    description = models.TextField(_("description"))
    uri = WebAddressField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=None, blank=True)
    # Our own vocabularies carry a stable slug; imported ones may not.
    slug = models.SlugField(max_length=50, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxonomyTerm(HsdsModel, Translatable):
    translated_fields = TRANSLATED_FIELDS["taxonomy_term"]

    taxonomy_ref = models.ForeignKey(
        Taxonomy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        db_column="taxonomy_id",
    )
    taxonomy = models.CharField(_("taxonomy name"), max_length=None, blank=True)
    code = models.CharField(_("code"), max_length=None, blank=True)
    name = models.CharField(_("name"), max_length=None)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    term_uri = WebAddressField(_("term URI"), blank=True)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy_ref__name", "name"]
        indexes = [models.Index(fields=["taxonomy_ref", "code"])]

    def __str__(self):
        return self.display_name
