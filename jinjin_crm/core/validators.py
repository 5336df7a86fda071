"""Validation of Chinese identifiers, on python-stdnum and phonenumbers.

Each ``normalize_*`` function returns the canonical form to store and raises Django's
``ValidationError`` (Chinese message through the translation catalogue, stable ``code``) when the
value breaks a hard rule. Model and form fields use the ``validate_*`` wrappers.
"""

import datetime
from dataclasses import dataclass, field

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc


@dataclass(frozen=True)
class NationalIdCheck:
    number: str
    birth_date: datetime.date
    # Findings that an officer should see but that do not make the number invalid.
    warnings: list[str] = field(default_factory=list)

    @property
    def gender(self) -> str:
        """ "M" or "F": the 17th digit is odd for men and even for women."""
        return "M" if int(self.number[16]) % 2 else "F"

    def gender_mismatch_message(self) -> str:
        """The error for a gender given that is not this number's: it names the number's gender, so
        the person correcting it knows which of the two is wrong."""
        if self.gender == "M":
            return _("The gender does not match the ID number, which shows male.")
        return _("The gender does not match the ID number, which shows female.")


def check_national_id(value: str) -> NationalIdCheck:
    """Check a resident identity card number (GB 11643).

    Hard rules: 18 characters, 17 digits then a digit or X, a real birth date not in the future, and
    the check character. No lower bound on the birth year: the standard's own example,
    440524188001010014, was born in 1880. The area code is only a warning: python-stdnum's table
    refuses codes renamed before the holder's birth year (e.g. Jiangjin's pre-2006 500381), yet
    people hold such numbers.
    """
    number = ric.compact(value or "")
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="id_number_length",
            params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."),
            code="id_number_format",
        )
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The birth date in the ID number (%(digits)s) is not a real date."),
            code="id_number_birth_date",
            params={"digits": number[6:14]},
        ) from None
    if birth_date > timezone.localdate():
        raise ValidationError(
            _("The birth date in the ID number (%(date)s) is not possible."),
            code="id_number_birth_date",
            params={"date": birth_date.isoformat()},
        )
    # calc_check_digit reads the first 17 of the 18 characters it is given.
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise ValidationError(
            _("The check character of the ID number is wrong (it should be %(expected)s)."),
            code="id_number_checksum",
            params={"expected": expected},
        )
    warnings = []
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        warnings.append(
            _("Area code %(code)s is not in the area-code table for %(year)d; please check the number.")
            % {"code": number[:6], "year": birth_date.year}
        )
    return NationalIdCheck(number=number, birth_date=birth_date, warnings=warnings)


def normalize_national_id(value: str) -> str:
    return check_national_id(value).number


def validate_national_id(value: str) -> None:
    check_national_id(value)


def normalize_uscc(value: str) -> str:
    """Check a unified social credit code (GB 32100) and return it compact and upper-case."""
    try:
        return uscc.validate(value or "")
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="uscc_length"
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong."), code="uscc_checksum"
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("This is not a valid unified social credit code."), code="uscc_format"
        ) from None


def validate_uscc(value: str) -> None:
    normalize_uscc(value)


def normalize_mobile(value: str) -> str:
    """Check a mainland China mobile number and return its 11 digits (a +86 prefix is accepted)."""
    try:
        parsed = phonenumbers.parse(value or "", "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a phone number."), code="mobile_format") from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("This is not a valid mainland China mobile number."), code="mobile_invalid")
    kind = phonenumbers.number_type(parsed)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise ValidationError(_("This is not a valid mainland China mobile number."), code="mobile_invalid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")


def validate_mobile(value: str) -> None:
    normalize_mobile(value)


def date_not_future(day: datetime.date | None, *, field: str) -> None:
    """Refuse a date after today (in the district's time zone), under ``field``; no date passes."""
    if day and day > timezone.localdate():
        raise ValidationError({field: _("This date cannot be in the future.")})
