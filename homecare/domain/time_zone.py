"""The portal's time zone: times are stored in UTC and shown, and reasoned about, in Oslo."""

from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
