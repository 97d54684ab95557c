"""Research units (laboratories) as reference data, from the RNSR (Répertoire national des
structures de recherche): the unit is what ANR's conflict-of-interest rule compares, so two
teams are the same unit only when they point at the same row, never because their names look
alike."""
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from pepr.core.validators import validate_rnsr


class ResearchUnitQuerySet(models.QuerySet):
    def matching(self, text):
        """Units whose code, acronym, name, RNSR id or city contain every word of `text`."""
        queryset = self
        for word in (text or "").split()[:6]:
            queryset = queryset.filter(
                models.Q(code__icontains=word) | models.Q(acronym__icontains=word)
                | models.Q(name__icontains=word) | models.Q(rnsr__iexact=word)
                | models.Q(city__icontains=word))
        return queryset


class ResearchUnit(models.Model):
    rnsr = models.CharField(_("RNSR identifier"), max_length=10, unique=True,
                            validators=[validate_rnsr],
                            help_text=_("Nine digits and a letter, e.g. 200918488S."))
    code = models.CharField(_("code"), max_length=32, blank=True,
                            help_text=_("As the unit writes it, e.g. UMR 1234 or U1234."))
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=64, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    tutelles = models.ManyToManyField(
        "pepr.Organisation", verbose_name=_("supervising organisations"), blank=True,
        related_name="research_units")
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ResearchUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("research unit")
        verbose_name_plural = _("research units")
        ordering = ["code", "name"]
        indexes = [models.Index(Lower("code"), name="research_unit_code_ci")]

    def __str__(self):
        label = " – ".join(part for part in (self.code, self.acronym or self.name) if part)
        return f"{label} ({self.city})" if self.city else label

    @property
    def label(self):
        """What a person picks in a unit field: code, name and RNSR id, unique per unit."""
        head = " ".join(part for part in (self.code, self.acronym) if part)
        return f"{head} – {self.name} [{self.rnsr}]" if head else f"{self.name} [{self.rnsr}]"
