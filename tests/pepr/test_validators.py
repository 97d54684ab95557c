"""Identifiers researchers type: ORCID iD with its checksum, RNSR unit id, SIRET."""
import pytest
from django.core.exceptions import ValidationError

from pepr.core.validators import validate_orcid, validate_rnsr, validate_siret


@pytest.mark.parametrize("value", ["0000-0002-1825-0097", "0000-0001-5109-3700",
                                   "0000-0002-1694-233X"])
def test_valid_orcid(value):
    validate_orcid(value)


@pytest.mark.parametrize("value,code", [
    ("0000-0002-1825-0098", "orcid_checksum"),
    ("0000000218250097", "orcid_format"),
    ("0000-0002-1825-009", "orcid_format"),
])
def test_invalid_orcid(value, code):
    with pytest.raises(ValidationError) as error:
        validate_orcid(value)
    assert error.value.code == code


def test_rnsr_and_siret():
    validate_rnsr("200918488S")
    with pytest.raises(ValidationError):
        validate_rnsr("20091848")
    validate_siret("73282932000074")
    with pytest.raises(ValidationError):
        validate_siret("73282932000075")
