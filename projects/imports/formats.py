"""Reading an import file (CSV or YAML) into a table that remembers on which line of the file
each of its rows starts, so that every error can name the line a person sees in their editor."""
import csv
import io
from pathlib import Path

import tablib
import yaml
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from projects.imports.cleaning import ABSENT

FORMATS = ("csv", "yaml")
EXTENSIONS = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}


class FileError(ValueError):
    """The file as a whole cannot be read: no line of it is imported."""


def format_of(name):
    """The format a file's name says ("csv" or "yaml")."""
    suffix = Path(str(name)).suffix.lower()
    if suffix not in EXTENSIONS:
        raise FileError(_("Unknown file type “%(suffix)s”: use a .csv, .yaml or .yml file.")
                        % {"suffix": suffix or Path(str(name)).name})
    return EXTENSIONS[suffix]


def read(file, *, format=None):
    """A table of the file's rows; `file` is a path or an open file (text or bytes)."""
    format = format or format_of(getattr(file, "name", file))
    if format not in FORMATS:
        raise FileError(_("Unknown format “%(format)s”: use csv or yaml.") % {"format": format})
    if isinstance(file, (str, Path)):
        content = Path(file).read_bytes()
    else:
        content = file.read()
    return parse(content, format)


def parse(content, format):
    if isinstance(content, bytes):
        try:
            # utf-8-sig: spreadsheets often save UTF-8 with a byte-order mark.
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FileError(_("The file is not UTF-8 text (byte %(position)s).")
                            % {"position": error.start + 1}) from error
    return read_yaml(content) if format == "yaml" else read_csv(content.lstrip("\ufeff"))


def _table(headers, rows, lines):
    dataset = tablib.Dataset(*rows, headers=headers)
    dataset.line_numbers = lines
    return dataset


def _headers(record):
    headers = [cell.strip().lower() for cell in record]
    while headers and not headers[-1]:
        headers.pop()  # spreadsheets leave trailing separators
    if len(headers) == 1 and ";" in headers[0]:
        raise FileError(_("Line 1: the columns are separated by semicolons; save the file as "
                          "CSV with commas (UTF-8)."))
    return headers


def read_csv(text):
    """Comma-separated, first line the column names; blank lines are ignored."""
    reader = csv.reader(io.StringIO(text, newline=""))
    headers, rows, lines, start = None, [], [], 1
    try:
        for record in reader:
            # A quoted cell may span lines: the record started where the previous one ended.
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                headers = _headers(record)
                continue
            if len(record) > len(headers) and any(cell.strip() for cell in record[len(headers):]):
                raise FileError(_("Line %(line)s has more cells than the first line has "
                                  "columns.") % {"line": line})
            rows.append((record + [""] * len(headers))[:len(headers)])
            lines.append(line)
    except csv.Error as error:
        raise FileError(_("Line %(line)s cannot be read as CSV: %(error)s")
                        % {"line": reader.line_num, "error": error}) from error
    return _table(headers or [], rows, lines)


class _Loader(yaml.SafeLoader):
    """YAML 1.1 would read `2024-13-01` as a date it cannot build and `NO` as false: dates and
    yes/no stay text here, for the import to check them and name the line of a wrong one."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_yaml(text):
    """A list of mappings, one per row, the keys being the column names."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        raise FileError(_("The YAML file cannot be read: %(error)s") % {"error": error}) from error
    if root is None:
        return _table([], [], [])
    if not isinstance(root, yaml.SequenceNode) or not all(
            isinstance(item, yaml.MappingNode) for item in root.value):
        raise FileError(_("A YAML file must be a list of mappings (one “- key: value” block "
                          "per row)."))
    data = [{str(key).strip().lower(): value for key, value in item.items()} for item in data]
    headers = list(dict.fromkeys(key for item in data for key in item))
    rows = [[item.get(header, ABSENT) for header in headers] for item in data]
    return _table(headers, rows, [item.start_mark.line + 1 for item in root.value])


class CsvFormat(base_formats.CSV):
    """The admin's CSV, read as the command reads it."""

    def create_dataset(self, in_stream, **kwargs):
        return parse(in_stream, "csv")


class YamlFormat(base_formats.YAML):
    """The admin's YAML, read as the command reads it."""

    def create_dataset(self, in_stream, **kwargs):
        return parse(in_stream, "yaml")
