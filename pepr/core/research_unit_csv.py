"""Reading and checking a CSV file of research units in the columns of the RNSR's export, line
by line, before pepr.core.research_unit_import writes anything: UTF-8 with or without a
byte-order mark, columns separated by commas, semicolons (the RNSR's export, French spreadsheets)
or tabs, named in English or in French. Tutelles are separated by « ; » or « | », never by a
comma: organisation names hold commas ("… pour l'agriculture, l'alimentation et
l'environnement"); in a file whose columns are separated by semicolons, a cell with several
tutelles is quoted, as spreadsheets do."""
import csv
import io
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pepr.core.models import Organisation
from pepr.core.research_units import ResearchUnit
from pepr.core.validators import validate_rnsr

# The columns a file may have, each under the names the RNSR's export, a French spreadsheet or
# an English one give it (compared without case, accents or punctuation). Other columns are
# not read: the RNSR's export has many more.
COLUMNS = {
    "rnsr": ("identifier", "RNSR", "RNSR id", "RNSR identifier", "Numéro RNSR", "Identifiant",
             "Identifiant RNSR", "numero_national_de_structure"),
    "name": ("name", "Libellé", "Nom", "Intitulé"),
    "code": ("code", "Code de l'unité", "code_de_l_unite", "label_numero"),
    "acronym": ("acronym", "Sigle"),
    "tutelles": ("tutelles", "Tutelle", "supervising organisations",
                 "etablissements_tutelles"),
    "city": ("city", "Ville", "Commune"),
}
REQUIRED = ("rnsr", "name")
FIELDS = ("name", "code", "acronym", "city")
TUTELLE_SEPARATOR = re.compile(r"[;|]")
MAX_ERRORS = 100


class ImportRejected(Exception):
    """The file was not imported; `errors` says why, one line each."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def _decode(content):
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        # utf-8-sig: spreadsheets often save UTF-8 with a byte-order mark.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected([_("The file is not UTF-8 text (byte %(position)s).")
                              % {"position": error.start + 1}]) from error


def _delimiter(text):
    """Comma, semicolon (the RNSR's export and French spreadsheets) or tab, as the first line
    uses them."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(",;\t", key=first.count)


def read_rows(content):
    """The file's first line (its column names) and its other non-blank lines, each as
    (line number, cells); a quoted cell may span lines, a row is numbered where it starts."""
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header, rows, start = None, [], 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
            else:
                rows.append((line, record))
    except csv.Error as error:
        raise ImportRejected([_("Line %(line)s cannot be read as CSV: %(error)s")
                              % {"line": reader.line_num, "error": error}]) from error
    return header or [], rows


def _key(name):
    """A column name compared without case, accents or punctuation."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def columns_of(header):
    """{field: position} of the columns read, and the names of those not read."""
    if not header:
        raise ImportRejected([_("The file holds no unit to import.")])
    aliases = {_key(alias): name for name, names in COLUMNS.items() for alias in names}
    positions, ignored, errors = {}, [], []
    for position, title in enumerate(header):
        name = aliases.get(_key(title))
        if name is None:
            if title:
                ignored.append(title)
        elif name in positions:
            errors.append(_("Line 1: the columns “%(first)s” and “%(second)s” say the same "
                            "thing; keep one.")
                          % {"first": header[positions[name]], "second": title})
        else:
            positions[name] = position
    for name in REQUIRED:
        if name not in positions:
            errors.append(_("Line 1: no column for the %(what)s (name it one of: %(names)s).")
                          % {"what": _column_meaning(name),
                             "names": ", ".join(f"“{alias}”" for alias in COLUMNS[name])})
    if errors:
        raise ImportRejected(errors)
    return positions, ignored


def _column_meaning(name):
    return {"rnsr": _("RNSR identifier"), "name": _("unit's name")}[name]


# --- Checking a line -------------------------------------------------------------------------

def located(line, column, message):
    return _("Line %(line)s, column “%(column)s”: %(message)s") % {
        "line": line, "column": column, "message": message}


def _cells(record, positions):
    return {name: " ".join(record[position].split()) if position < len(record) else ""
            for name, position in positions.items()}


def clean_line(line, record, positions, header):
    """The values of one line, and the errors that name its line and column."""
    values, errors = _cells(record, positions), []

    def error(name, message):
        errors.append(located(line, header[positions[name]], message))

    values["rnsr"] = values["rnsr"].replace(" ", "").upper()
    if not values["rnsr"]:
        error("rnsr", _("this column is required."))
    else:
        try:
            validate_rnsr(values["rnsr"])
        except ValidationError as invalid:
            error("rnsr", " ".join(invalid.messages))
    if not values["name"]:
        error("name", _("this column is required."))
    for name in FIELDS:
        limit = ResearchUnit._meta.get_field(name).max_length
        if name in values and len(values[name]) > limit:
            error(name, _("at most %(max)s characters, found %(count)s.")
                  % {"max": limit, "count": len(values[name])})
    if "tutelles" in values:
        values["tutelles"] = list(dict.fromkeys(
            part.strip() for part in TUTELLE_SEPARATOR.split(values["tutelles"]) if part.strip()))
        limit = Organisation._meta.get_field("name").max_length
        for name in values["tutelles"]:
            if len(name) > limit:
                error("tutelles", _("“%(name)s…” is longer than %(max)s characters.")
                      % {"name": name[:40], "max": limit})
    return values, errors


def clean_rows(header, rows, positions):
    """Every line's values; raises ImportRejected with every error of the file (the first
    hundred) when one line is wrong."""
    cleaned, errors, seen = [], [], {}
    for line, record in rows:
        values, line_errors = clean_line(line, record, positions, header)
        rnsr = values["rnsr"]
        if rnsr and rnsr in seen and not line_errors:
            line_errors.append(located(line, header[positions["rnsr"]], _(
                "the unit %(rnsr)s is already on line %(first)s.")
                % {"rnsr": rnsr, "first": seen[rnsr]}))
        seen.setdefault(rnsr, line)
        errors += line_errors
        cleaned.append((line, values))
    if errors:
        extra = len(errors) - MAX_ERRORS
        raise ImportRejected(errors[:MAX_ERRORS] + ([ngettext(
            "… and %(count)s more error.", "… and %(count)s more errors.", extra)
            % {"count": extra}] if extra > 0 else []))
    if not cleaned:
        raise ImportRejected([_("The file holds no unit to import.")])
    return cleaned
