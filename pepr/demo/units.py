"""The research units of the demo programme, as the RNSR would list them: Inserm units (most of
them joint with a university or a hospital), CEA institutes and laboratories, CNRS and university
units, and the head offices the demo's staff work in, which no team uses. A few hospital and
company teams have no listed unit: they show staff what a "unit not listed" looks like.

Codes and RNSR identifiers are fictitious (unit numbers above any real one), so that no real
unit is named on demo data."""
from collections import namedtuple

from django.db.models import Q

from pepr.core.models import Organisation, OrganisationKind
from pepr.core.research_units import ResearchUnit

# code, acronym, name, city, tutelles (acronyms; the first employs the team's members), group
UNITS = [
    ("U1901", "ITC", "Immunologie et thérapies cellulaires", "Lyon", "Inserm UDL", "inserm"),
    ("U1902", "MEDREG", "Médecine régénératrice", "Montpellier", "Inserm IDPS", "inserm"),
    ("U1903", "BIOVEC", "Biothérapies et vecteurs", "Nantes", "Inserm CHUDN", "inserm"),
    ("U1904", "IPT", "Ingénierie des protéines thérapeutiques", "Strasbourg", "Inserm UDS",
     "inserm"),
    ("U1905", "VECC", "Vésicules et communication cellulaire", "Paris", "Inserm UDPC", "inserm"),
    ("U1906", "GENOF", "Génomique fonctionnelle", "Bordeaux", "Inserm UDB", "inserm"),
    ("U1907", "ONCOT", "Oncologie translationnelle", "Lille", "Inserm CHUDL", "inserm"),
    ("UMR 1908", "CRCD", "Centre de recherche en cancérologie de démonstration", "Lyon",
     "Inserm CNRS UDL", "inserm"),
    ("UMR 1909", "IMRB-D", "Institut de médecine régénérative et biothérapies", "Paris",
     "Inserm UDPC", "inserm"),
    ("U1910", "TARGET", "Thérapie génique et ciblage cellulaire", "Nantes", "Inserm", "inserm"),
    ("U1911", "HEMATO", "Hématopoïèse et cellules souches", "Paris", "Inserm UDPC", "inserm"),
    ("U1912", "ARNT", "ARN thérapeutiques", "Bordeaux", "Inserm UDB", "inserm"),
    ("U1913", "INFLAM", "Inflammation et immunothérapies", "Strasbourg", "Inserm UDS", "inserm"),
    ("U1914", "MYOTHER", "Thérapies des maladies neuromusculaires", "Paris", "Inserm UDPC",
     "inserm"),
    ("U1915", "ACIC", "Anticorps thérapeutiques et immunociblage", "Montpellier", "Inserm IDPS",
     "inserm"),
    ("U1916", "BIOMAT", "Biomatériaux et ingénierie tissulaire", "Bordeaux", "Inserm UDB",
     "inserm"),
    ("U1917", "CARDIOREG", "Régénération cardiaque et thérapies cellulaires", "Lille",
     "Inserm CHUDL", "inserm"),
    ("U1918", "NEUROGEN", "Thérapie génique des maladies neurologiques", "Paris", "Inserm UDPC",
     "inserm"),
    ("U1919", "VACARN", "Vaccinologie et ARN messager", "Lyon", "Inserm UDL", "inserm"),
    ("DRF/IBTD", "IBTD", "Institut des biothérapies de démonstration", "Fontenay-aux-Roses",
     "CEA", "cea"),
    ("DRF/SBIV", "SBIV", "Service de bioproduction et d'ingénierie des vecteurs", "Évry", "CEA",
     "cea"),
    ("UMR E 9901", "LIVB", "Laboratoire d'immunologie et de vaccinologie des biothérapies",
     "Fontenay-aux-Roses", "CEA UDPC", "cea"),
    ("DRF/LBMC", "LBMC-D", "Laboratoire de biologie moléculaire des cellules", "Saclay", "CEA",
     "cea"),
    ("DRT/LSAN", "LSAN", "Laboratoire des systèmes analytiques pour la santé", "Grenoble", "CEA",
     "cea"),
    ("DRT/LBMF", "LBMF", "Laboratoire des bioprocédés et de la microfluidique", "Grenoble", "CEA",
     "cea"),
    ("UMR E 9902", "ICBB", "Interface chimie-biologie pour les biothérapies", "Grenoble",
     "CEA CNRS", "cea"),
    ("DRF/SIMST", "SIMST", "Service d'imagerie moléculaire et de suivi des thérapies", "Orsay",
     "CEA", "cea"),
    ("UMR 9911", "BTIT", "Biologie tissulaire et ingénierie thérapeutique", "Lyon", "CNRS UDL",
     "other"),
    ("UMR 9912", "BIOPATH", "Bioimagerie et pathologies", "Strasbourg", "CNRS UDS", "other"),
    ("UMR 9913", "CBMEM", "Chimie et biologie des membranes", "Bordeaux", "CNRS UDB", "other"),
    ("UMR 9914", "GPB", "Génie des procédés biologiques", "Compiègne", "EID CNRS", "other"),
    ("UMR 9915", "MIVEB", "Microbiologie et vésicules bactériennes", "Montpellier", "CNRS IDPS",
     "other"),
    ("UMR 9916", "CHIMAN", "Chimie des acides nucléiques", "Paris", "CNRS UDPC", "other"),
    ("UPR 9917", "IBSP-D", "Institut de biologie structurale des protéines", "Toulouse", "CNRS",
     "other"),
    ("UAR 9918", "PBIO", "Plateforme de bioproduction", "Toulouse", "CDB CNRS", "other"),
    ("", "INSERM-SIEGE", "Inserm – Siège, direction de la stratégie", "Paris", "Inserm",
     "office"),
    ("", "CEA-DRF", "CEA – Direction de la recherche fondamentale", "Saclay", "CEA", "office"),
    ("", "ANR-DBS", "ANR – Département Biologie et santé", "Paris", "ANR", "office"),
    ("", "CNRS-INSB", "CNRS – Institut des sciences biologiques, direction", "Paris", "CNRS",
     "office"),
    ("", "UDB-PRES", "Université de démonstration de Bordeaux – Présidence", "Bordeaux", "UDB",
     "office"),
]
# Hospital and company teams that are in no listing: their members type the team's name.
UNLISTED = [("Service d'hématologie et de thérapie cellulaire", "CHUDL"),
            ("Unité de thérapie cellulaire et génique", "CHUDN"),
            ("Département de développement pharmaceutique", "BDS"),
            ("Plateforme de production de vecteurs viraux", "BDS")]
# The demo accounts' units: staff in head offices that no team uses; the applicant and the
# reviewer in teams like everyone else's.
ACCOUNT_UNITS = {"applicant": "ITC", "reviewer": "BIOPATH", "ccs": "CNRS-INSB",
                 "csi": "UDB-PRES", "pilot": "INSERM-SIEGE", "directeur": "CEA-DRF",
                 "anr": "ANR-DBS", "admin": "ANR-DBS"}
# How often a demo team is of each kind: Inserm and CEA in most consortia, as in the programme.
GROUP_WEIGHTS = {"inserm": 0.55, "cea": 0.22, "other": 0.14, "unlisted": 0.09}
CNRS = ("Centre national de la recherche scientifique", "CNRS")
RNSR_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

Team = namedtuple("Team", "unit organisation laboratory")


def rnsr(index):
    """A fictitious identifier in the RNSR's format: a year, five digits, a letter."""
    return f"{2010 + index % 14}{95000 + 37 * index:05d}{RNSR_LETTERS[index % 23]}"


def laboratory_of(unit):
    """The name a team of `unit` shows: its code and name."""
    return f"{unit.code} – {unit.name}" if unit.code else unit.name


class DemoUnits:
    """The demo's units and teams, and random picks among them."""

    def __init__(self, units, organisations):
        self.by_acronym = {unit.acronym: unit for unit in units}
        self.teams, self.groups = {}, {"unlisted": [
            Team(None, organisations[acronym], laboratory) for laboratory, acronym in UNLISTED]}
        for (_code, acronym, _name, _city, tutelles, group) in UNITS:
            unit = self.by_acronym[acronym]
            team = Team(unit, organisations[tutelles.split()[0]], laboratory_of(unit))
            self.teams[acronym] = team
            self.groups.setdefault(group, []).append(team)

    def team_of(self, acronym):
        return self.teams[acronym]

    def pick(self, rng, *, groups=("inserm", "cea", "other", "unlisted")):
        group = rng.choices(groups, [GROUP_WEIGHTS[g] for g in groups])[0]
        return rng.choice(self.groups[group])

    def pick_distinct(self, rng, count, *, first=None, groups=("inserm", "cea", "other",
                                                                   "unlisted")):
        """`count` teams of different units (and names), starting with `first` if given."""
        teams = [first] if first is not None else []
        for _attempt in range(count * 20):
            if len(teams) >= count:
                break
            team = self.pick(rng, groups=groups)
            if all(team.laboratory != other.laboratory for other in teams):
                teams.append(team)
        return teams


def _organisations(organisations):
    """The tutelles by acronym: the reference organisations, the demo's, and CNRS (the real one
    if staff have it, else a demo one, removed with the demo)."""
    by_acronym = {o.acronym: o for o in organisations}
    by_acronym.update({o.acronym: o for o in Organisation.objects.filter(
        acronym__in=["Inserm", "CEA", "ANR"], is_demo=False)})
    cnrs = Organisation.objects.filter(
        Q(acronym__iexact=CNRS[1]) | Q(name__iexact=CNRS[0])).order_by("is_demo", "pk").first()
    by_acronym["CNRS"] = cnrs or Organisation.objects.create(
        name=CNRS[0], acronym=CNRS[1], kind=OrganisationKind.RESEARCH, city="Paris",
        is_demo=True)
    return by_acronym


def build(organisations):
    """The demo units (kept from a previous demo when real data points at them)."""
    by_acronym = _organisations(organisations)
    kept = {unit.rnsr: unit for unit in ResearchUnit.objects.filter(is_demo=True)}
    units = []
    for index, (code, acronym, name, city, _tutelles, _group) in enumerate(UNITS, 1):
        unit = kept.get(rnsr(index)) or ResearchUnit(rnsr=rnsr(index), is_demo=True)
        unit.code, unit.acronym, unit.name, unit.city = code, acronym, name, city
        units.append(unit)
    ResearchUnit.objects.bulk_create([u for u in units if u.pk is None])
    ResearchUnit.objects.bulk_update([u for u in units if u.rnsr in kept],
                                     ["code", "acronym", "name", "city"])
    Through = ResearchUnit.tutelles.through
    Through.objects.filter(researchunit__in=units).delete()
    Through.objects.bulk_create(
        Through(researchunit_id=unit.pk, organisation_id=by_acronym[acronym].pk)
        for unit, spec in zip(units, UNITS) for acronym in spec[4].split())
    return DemoUnits(units, by_acronym)


def remove():
    """The demo units that no real team points at (a real team keeps its unit)."""
    ResearchUnit.objects.filter(is_demo=True, application_partners__isnull=True,
                                project_partners__isnull=True).delete()
