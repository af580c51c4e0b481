"""Contact details as people type them: Norwegian mobile numbers (+47 or not) and e-mail addresses."""

from __future__ import annotations

from enum import StrEnum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

DEFAULT_REGION = "NO"
_TAKES_SMS = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


class ContactProblem(StrEnum):
    MOBILE_INVALID = "mobile_invalid"
    MOBILE_NOT_MOBILE = "mobile_not_mobile"
    EMAIL_INVALID = "email_invalid"


def normalize_mobile(typed: str) -> str:
    """The number in international form ("+4791234567"); a Norwegian number may be typed without +47.

    Raises ValueError with a ContactProblem for a number that is not one, or that cannot take an SMS.
    """
    try:
        number = phonenumbers.parse(typed, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(ContactProblem.MOBILE_INVALID) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError(ContactProblem.MOBILE_INVALID)
    if phonenumbers.number_type(number) not in _TAKES_SMS:
        raise ValueError(ContactProblem.MOBILE_NOT_MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def sms_number(stored: str | None) -> str | None:
    """A stored number that can take an SMS, in international form; None for none or a landline."""
    if not stored:
        return None
    try:
        return normalize_mobile(stored)
    except ValueError:
        return None


def normalize_email(typed: str) -> str:
    """The address as it should be kept (the domain in lower case); raises ValueError for a bad one.

    The domain is not looked up: the portal talks to no DNS, and a typo is caught by the confirmation sent.
    """
    try:
        return validate_email(typed.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(ContactProblem.EMAIL_INVALID) from error


def shown_mobile(stored: str | None) -> str:
    """A Norwegian number in national form ("91 23 45 67"), a foreign one in international form."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return stored
    if number.country_code == 47:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
