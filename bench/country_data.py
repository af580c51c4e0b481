"""A whole country's data for the portal, made inside PostgreSQL (`INSERT ... SELECT generate_series(...)`).

At scale 1.0: 1,000,000 persons, 300,000 of them receiving home care, about 1,000,000 message threads with
5,000,000 messages, 20,000,000 visits over 405 days, about 220,000 powers of attorney and 9,500,000 usage-log
entries. Every number is deterministic (a hash of the row's key), so two runs at one scale make the same rows.

Rows go in in the order the portal would have written them (threads, messages, visits and log entries by
time), so that one person's rows lie spread over the table as they would after years of use, not side by
side. The constraints and indexes are dropped during the load and made again after it (much faster than
keeping them up to date row by row); making the foreign keys again checks every row.

Some people are made heavier than anyone real, to time the worst case:
- HEAVY_SUBJECT has 600 threads (one of 300 messages, the others of 8: 5,092 messages), three visits a day
  for the whole period (1,215), 20,000 usage-log entries and three representatives;
- HEAVY_GRANTEE holds powers of attorney from 200 people, and 50 that have ended.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg

HEAVY_SUBJECT = 1  # a home care receiver (id % 10 in 1, 4, 7)
HEAVY_GRANTEE = 2
HEAVY_SUBJECT_REPRESENTATIVES = (3, 5, 6)
HEAVY_THREADS = 600
HEAVY_LONG_THREAD_MESSAGES = 300
HEAVY_THREAD_MESSAGES = 8
HEAVY_LOG_ENTRIES = 20_000
HEAVY_GRANTS = 200
HEAVY_ENDED_GRANTS = 50
MUNICIPALITIES = 356
UNITS_PER_MUNICIPALITY = 2
# Visits run from PAST_DAYS before the moment of generation to FUTURE_DAYS after it.
PAST_DAYS = 345
FUTURE_DAYS = 60
TERMS_VERSION = "2026-1"
# Messages and visits are made window by window of time, each window's rows sorted by time in memory.
MESSAGE_DAYS = 3 * 365 + 1
MESSAGE_WINDOW_DAYS = 92
VISIT_WINDOW_DAYS = 15

# The tables filled here in bulk; their constraints and indexes are set aside during the load.
BULK_TABLES = (
    "person",
    "termsconsent",
    "powerofattorney",
    "powerofattorneyarea",
    "messagethread",
    "message",
    "attachment",
    "homevisit",
    "usagelogentry",
)

GIVEN_NAMES = [
    "Kari",
    "Ola",
    "Ingrid",
    "Per",
    "Anne",
    "Jan",
    "Liv",
    "Arne",
    "Solveig",
    "Knut",
    "Astrid",
    "Nils",
    "Berit",
    "Tor",
    "Randi",
    "Bjørn",
    "Marit",
    "Svein",
    "Gunn",
    "Odd",
]
MIDDLE_NAMES = [
    "Marie",
    "Johan",
    "Elise",
    "Andreas",
    "Sofie",
    "Magnus",
    "Louise",
    "Kristian",
    "Helene",
    "Emil",
]
FAMILY_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
]
TOPICS = (
    "Endring i medisiner",
    "Spørsmål om besøk",
    "Sårstell",
    "Ny hjelpemiddel",
    "Praktisk bistand",
    "Ferie og fravær",
    "Matlevering",
    "Trygghetsalarm",
)
TEXT = (
    "Hei! Vi kommer litt senere enn avtalt i morgen fordi en kollega er syk. Gi gjerne beskjed om det passer "
    "dårlig, så finner vi en annen tid. Husk å ha medisinene klare på kjøkkenbenken, og ring oss om noe er "
    "uklart. Vi har også bestilt nye bandasjer som kommer med neste besøk. Ha en fin dag videre, og ta "
    "kontakt hvis det er noe mer vi kan hjelpe med. Hilsen hjemmetjenesten."
)


@dataclass(frozen=True)
class Sizes:
    """How many of each the generation aims at, for one scale."""

    persons: int
    usage_log_entries: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        # Below 1,000 people the heavy ones would be most of the country.
        persons = max(round(1_000_000 * scale), 1_000)
        return cls(persons=persons, usage_log_entries=round(persons * 9.5))


def _array(values: tuple[str, ...] | list[str]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"ARRAY[{quoted}]"


def _windows(end: int, step: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + step, end)) for lo in range(0, end, step)]


def _statements(sizes: Sizes) -> list[tuple[str, list[str]]]:
    """(label, statements) in order. `:now` is the moment of generation, `h(key, salt)` a hash < 2^31."""
    n = sizes.persons
    log_slots = sizes.usage_log_entries + HEAVY_LOG_ENTRIES
    given, middle, family = _array(GIVEN_NAMES), _array(MIDDLE_NAMES), _array(FAMILY_NAMES)
    topics = _array(list(TOPICS))
    text = "'" + TEXT.replace("'", "''") + "'"
    reps = ", ".join(str(rep) for rep in HEAVY_SUBJECT_REPRESENTATIVES)
    units = UNITS_PER_MUNICIPALITY
    return [
        (
            "municipalities and service units",
            [
                f"""
            INSERT INTO municipality (id, number, name, takes_part, taking_part_since, cancel_cutoff,
                                      cancel_working_days_before)
            SELECT g, lpad(g::text, 4, '0'), 'Kommune ' || g, true, date '2026-01-01', time '15:00', 1
            FROM generate_series(1, {MUNICIPALITIES}) g;
            INSERT INTO serviceunit (id, name, municipality_id, district_id, phone)
            SELECT g, 'Hjemmetjenesten ' || ((g - 1) / {units} + 1) || ' sone ' || ((g - 1) % {units} + 1),
                   (g - 1) / {units} + 1, NULL, '+47' || lpad(g::text, 8, '0')
            FROM generate_series(1, {MUNICIPALITIES * units}) g;
            """
            ],
        ),
        (
            "persons",
            [
                f"""
            INSERT INTO person (id, national_id, given_name, middle_name, family_name, birth_date,
                                municipality_id, district_id, service_unit_id, mobile, email, created_at)
            SELECT g, lpad(g::text, 11, '0'),
                   ({given})[1 + h(g, 1) % {len(GIVEN_NAMES)}],
                   CASE WHEN h(g, 2) % 5 = 0 THEN ({middle})[1 + h(g, 3) % {len(MIDDLE_NAMES)}] END,
                   ({family})[1 + h(g, 4) % {len(FAMILY_NAMES)}],
                   CASE WHEN receiver THEN date '1925-01-01' + (h(g, 5) % 14600)::int
                        ELSE date '1940-01-01' + (h(g, 5) % 23000)::int END,
                   m, NULL,
                   CASE WHEN receiver THEN (m - 1) * {units} + 1 + g % {units} END,
                   '+479' || lpad((h(g, 6) % 10000000)::text, 7, '0'),
                   CASE WHEN h(g, 7) % 3 = 0 THEN 'person' || g || '@example.no' END,
                   :now - make_interval(days => h(g, 8) % 1000)
            FROM (SELECT g, 1 + h(g, 0) % {MUNICIPALITIES} AS m, g % 10 IN (1, 4, 7) AS receiver
                  FROM generate_series(1, {n}) g) s;
            INSERT INTO termsconsent (person_id, terms_version, accepted_at)
            SELECT id, '{TERMS_VERSION}', created_at FROM person WHERE h(id, 9) % 10 < 6 OR id <= 10;
            """
            ],
        ),
        (
            "powers of attorney",
            [
                f"""
            CREATE TEMP TABLE gen_grant AS
            -- 40 % of the receivers grant to one or two people, 4 % of the others to one; a tenth of those
            -- have given one more before that has ended.
            SELECT p.id AS grantor_id, 1 + h(p.id::bigint * 4 + k, 31) % {n} AS grantee_id,
                   :now - make_interval(days => 30 + h(p.id::bigint * 4 + k, 32) % 1500) AS valid_from,
                   CASE WHEN h(p.id::bigint * 4 + k, 33) % 5 = 0
                        THEN (:now)::date + h(p.id::bigint * 4 + k, 34) % 800 - 100 END AS valid_to,
                   k > p.in_force AS ended
            FROM (
                SELECT id, in_force, CASE WHEN in_force > 0 AND h(id, 36) % 10 = 0 THEN 1 ELSE 0 END AS ended
                FROM (SELECT id, CASE WHEN service_unit_id IS NOT NULL AND h(id, 30) % 10 < 4
                                           THEN 1 + h(id, 35) % 2
                                      WHEN service_unit_id IS NULL AND h(id, 30) % 100 < 4 THEN 1
                                      ELSE 0 END AS in_force
                      FROM person WHERE id > 10) c
            ) p
            CROSS JOIN LATERAL generate_series(1, p.in_force + p.ended) k
            UNION ALL
            SELECT {HEAVY_SUBJECT}, rep, :now - interval '400 days', NULL, false
            FROM unnest(ARRAY[{reps}]) rep
            UNION ALL
            SELECT 10 + g * 3, {HEAVY_GRANTEE}, :now - make_interval(days => 10 + g), NULL, g > {HEAVY_GRANTS}
            FROM generate_series(1, {HEAVY_GRANTS + HEAVY_ENDED_GRANTS}) g;
            DELETE FROM gen_grant WHERE grantee_id = grantor_id;
            INSERT INTO powerofattorney (grantor_id, grantee_id, valid_from, valid_to, ended_at, ended_by_id,
                                         replaces_id, created_at)
            SELECT grantor_id, grantee_id, valid_from, valid_to,
                   CASE WHEN ended THEN valid_from + interval '20 days' END,
                   CASE WHEN ended THEN grantor_id END, NULL, valid_from
            FROM gen_grant ORDER BY valid_from;
            INSERT INTO powerofattorneyarea (power_of_attorney_id, area)
            SELECT id, area FROM powerofattorney
            CROSS JOIN LATERAL (VALUES ('digital_healthcare', 90), ('prescriptions', 50),
                                       ('appointments_at_hospitals', 30)) a(area, percent)
            -- Those of the heavy ones all cover this portal.
            WHERE h(id, 37 + percent) % 100 < percent
               OR (area = 'digital_healthcare'
                   AND (grantee_id = {HEAVY_GRANTEE} OR grantor_id = {HEAVY_SUBJECT}));
            """
            ],
        ),
        (
            "message threads",
            [
                f"""
            CREATE TEMP TABLE gen_thread AS
            -- Messages come at most two days apart, the last one before now.
            SELECT row_number() OVER (ORDER BY created_at, subject_id, k) AS id, *,
                   least((:now - created_at) / n, interval '2 days') AS gap
            FROM (
                SELECT p.id AS subject_id, p.service_unit_id AS unit_id, k,
                       1 + h(p.id::bigint * 16 + k, 11) % 9 AS n,
                       :now - make_interval(secs => h(p.id::bigint * 16 + k, 12) % (3 * 365 * 86400))
                           AS created_at
                FROM person p
                CROSS JOIN LATERAL
                    generate_series(1, (ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 2])[1 + h(p.id, 10) % 9]) k
                WHERE p.service_unit_id IS NOT NULL AND p.id <> {HEAVY_SUBJECT}
                UNION ALL
                SELECT p.id, p.service_unit_id, k,
                       CASE WHEN k = 1 THEN {HEAVY_LONG_THREAD_MESSAGES} ELSE {HEAVY_THREAD_MESSAGES} END,
                       :now - make_interval(secs => CASE WHEN k = 1 THEN 2 * 365 * 86400
                                                         ELSE h(k, 13) % (3 * 365 * 86400) END)
                FROM person p, generate_series(1, {HEAVY_THREADS}) k
                WHERE p.id = {HEAVY_SUBJECT}
            ) t;
            INSERT INTO messagethread (id, public_id, subject_id, service_unit_id, topic, external_id,
                                       purpose, created_at, last_message_at)
            SELECT id, substr(md5('thread ' || id), 1, 16), subject_id, unit_id,
                   ({topics})[1 + h(id, 14) % {len(TOPICS)}], NULL, NULL,
                   created_at, created_at + (n - 1) * gap
            FROM gen_thread ORDER BY id;
            """
            ],
        ),
        (
            "messages",
            # In windows of time, so that each window's sort stays in memory.
            [
                f"""
                INSERT INTO message (thread_id, from_service, author_person_id, on_behalf_of_id, staff_name,
                                     body, created_at, read_at, read_by_id)
                SELECT t.id, m.from_service,
                       CASE WHEN m.from_service THEN NULL
                            WHEN t.subject_id = {HEAVY_SUBJECT} AND m.j % 3 = 0
                                THEN {HEAVY_SUBJECT_REPRESENTATIVES[0]}
                            ELSE t.subject_id END,
                       CASE WHEN NOT m.from_service AND t.subject_id = {HEAVY_SUBJECT} AND m.j % 3 = 0
                            THEN {HEAVY_SUBJECT} END,
                       CASE WHEN m.from_service THEN ({given})[1 + h(t.id + m.j, 15) % {len(GIVEN_NAMES)}]
                                                     || ', sykepleier' END,
                       left({text}, 40 + h(t.id * 512 + m.j, 16) % 360),
                       m.at,
                       -- The service's messages of the last three days are unread.
                       CASE WHEN m.from_service AND m.at < :now - interval '3 days'
                            THEN m.at + interval '2 hours' END,
                       CASE WHEN m.from_service AND m.at < :now - interval '3 days' THEN t.subject_id END
                FROM gen_thread t
                CROSS JOIN LATERAL (SELECT j, t.created_at + j * t.gap AS at,
                                           (j + t.id) % 2 = 1 AS from_service
                                    FROM generate_series(0, t.n - 1) j) m
                WHERE t.created_at < :now - interval '{start - MESSAGE_WINDOW_DAYS} days'
                  AND t.created_at + (t.n - 1) * t.gap >= :now - interval '{start} days'
                  AND m.at >= :now - interval '{start} days'
                  AND m.at < :now - interval '{start - MESSAGE_WINDOW_DAYS} days'
                ORDER BY m.at
                """
                for start in range(MESSAGE_DAYS, 0, -MESSAGE_WINDOW_DAYS)
            ]
            + [
                """
                INSERT INTO attachment (public_id, subject_id, uploaded_by_id, message_id, file_name,
                                        media_type, size, sha256, storage_key, created_at)
                SELECT substr(md5('attachment ' || m.id), 1, 22), m.author_person_id, m.author_person_id,
                       m.id, 'bilde.jpg', 'image/jpeg', 100000 + m.id % 1000000,
                       md5('a' || m.id) || md5('b' || m.id), 'bench/' || m.id, m.created_at
                FROM message m WHERE NOT m.from_service AND h(m.id, 17) % 25 = 0
                """
            ],
        ),
        (
            "visits",
            [
                f"""
                -- 5 % of the receivers get a visit every day, 65 % every week, 30 % every other week; the
                -- heavy subject three a day. Times in seconds from the start of the period.
                CREATE TEMP TABLE gen_plan AS
                SELECT id AS subject_id, service_unit_id AS unit_id,
                       CASE WHEN id = {HEAVY_SUBJECT} THEN 8 * 3600
                            WHEN h(id, 20) % 20 = 0 THEN 86400
                            WHEN h(id, 20) % 20 < 14 THEN 7 * 86400 ELSE 14 * 86400 END AS every,
                       (7 + h(id, 21) % 10) * 3600 + h(id, 22) % 4 * 900
                           + CASE WHEN id = {HEAVY_SUBJECT} OR h(id, 20) % 20 = 0 THEN 0
                                  ELSE h(id, 23) % 7 * 86400 END AS first
                FROM person WHERE service_unit_id IS NOT NULL
                """
            ]
            + [
                # In windows of time [lo, hi): the visits j of each plan that fall in it, in time order.
                f"""
                INSERT INTO homevisit (public_id, subject_id, service_unit_id, external_id, starts_at,
                                       ends_at, service_type, staff_name, status, completed_at,
                                       cancelled_at, cancelled_by_id, cancel_reason_code, cancel_reason,
                                       version, updated_at)
                SELECT substr(md5('visit ' || v.subject_id || ' ' || v.j), 1, 16), v.subject_id, v.unit_id,
                       v.subject_id || '-' || v.j, v.at, v.at + interval '30 minutes',
                       (ARRAY['home_nursing', 'practical_assistance', 'medication', 'wound_care'])
                           [1 + v.hash % 4],
                       ({given})[1 + v.hash % {len(GIVEN_NAMES)}] || ' ' || ({family})[1 + v.hash % 7],
                       v.status,
                       CASE WHEN v.status = 'completed' THEN v.at + interval '30 minutes' END,
                       CASE WHEN v.status LIKE 'cancelled%' THEN v.at - interval '2 days' END,
                       CASE WHEN v.status = 'cancelled_by_citizen' THEN v.subject_id END,
                       CASE WHEN v.status = 'cancelled_by_citizen' THEN 'other' END,
                       NULL, 1, v.at - interval '20 days'
                FROM (
                    SELECT p.subject_id, p.unit_id, j, w.at, h(p.subject_id::bigint * 2048 + j, 24) AS hash,
                           CASE WHEN w.at < :now
                                THEN CASE WHEN h(p.subject_id::bigint * 2048 + j, 25) % 20 = 0
                                          THEN 'cancelled_by_service' ELSE 'completed' END
                                ELSE CASE WHEN h(p.subject_id::bigint * 2048 + j, 25) % 30 = 0
                                          THEN 'cancelled_by_citizen' ELSE 'planned' END END AS status
                    FROM gen_plan p
                    CROSS JOIN LATERAL generate_series(
                        CASE WHEN {lo} <= p.first THEN 0
                             ELSE ({lo} - p.first + p.every - 1) / p.every END,
                        CASE WHEN {hi} <= p.first THEN 0
                             ELSE ({hi} - p.first + p.every - 1) / p.every END - 1) j
                    CROSS JOIN LATERAL (SELECT date_trunc('day', :now) - interval '{PAST_DAYS} days'
                                               + make_interval(secs => p.first + j * p.every) AS at) w
                ) v
                ORDER BY v.at
                """
                for lo, hi in _windows((PAST_DAYS + FUTURE_DAYS) * 86400, VISIT_WINDOW_DAYS * 86400)
            ],
        ),
        (
            "usage log",
            [
                f"""
                -- Made in time order: entry i of all is at the i-th moment of two years, about whom a hash
                -- of i says (a receiver in 6 of 10, anyone in 4), except the heavy subject's
                -- {HEAVY_LOG_ENTRIES}, spread evenly. Mostly the person's own logins, some a
                -- representative's reads, a few the municipality's system.
                INSERT INTO usagelogentry (at, actor_id, subject_id, action, outcome, detail)
                SELECT e.at,
                       CASE WHEN e.hash % 20 = 0 THEN NULL
                            WHEN e.subject_id = {HEAVY_SUBJECT} AND e.hash % 2 = 0
                                THEN (ARRAY[{reps}])[1 + e.hash % {len(HEAVY_SUBJECT_REPRESENTATIVES)}]
                            WHEN e.hash % 4 = 1 THEN 1 + (e.subject_id::bigint * 7919 + 13) % {n}
                            ELSE e.subject_id END,
                       e.subject_id,
                       CASE WHEN e.hash % 20 = 0 THEN 'api_refused'
                            WHEN e.hash % 4 = 1 OR (e.subject_id = {HEAVY_SUBJECT} AND e.hash % 2 = 0)
                                THEN (ARRAY['read_messages', 'read_appointments', 'read_start_page'])
                                     [1 + e.hash % 3]
                            ELSE (ARRAY['login', 'logout'])[1 + e.hash % 2] END,
                       CASE WHEN e.hash % 20 = 0 THEN 'denied' ELSE 'ok' END, NULL
                FROM (
                    SELECT :now - interval '730 days'
                               + make_interval(secs => i * (730.0 * 86400 / {log_slots})) AS at,
                           h(i, 28) AS hash,
                           CASE WHEN i * {HEAVY_LOG_ENTRIES}::bigint / {log_slots}
                                     <> (i - 1) * {HEAVY_LOG_ENTRIES}::bigint / {log_slots}
                                    THEN {HEAVY_SUBJECT}
                                WHEN h(i, 26) % 10 < 6
                                    THEN 10 * (h(i, 27) % {n // 10}) + (ARRAY[1, 4, 7])[1 + h(i, 29) % 3]
                                ELSE 1 + h(i, 27) % {n} END AS subject_id
                    FROM generate_series(1, {log_slots}) i
                ) e
                """
            ],
        ),
    ]


@dataclass
class _SetAside:
    """The constraints and indexes of the bulk tables, as SQL that makes them again."""

    keys: list[str]
    indexes: list[str]
    foreign_keys: list[str]


def _set_aside(cursor: psycopg.Cursor) -> _SetAside:
    tables = list(BULK_TABLES)
    foreign_keys = cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE contype = 'f'
          AND (conrelid::regclass::text = ANY(%(t)s) OR confrelid::regclass::text = ANY(%(t)s))
        """,
        {"t": tables},
    ).fetchall()
    keys = cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY(%(t)s)
        """,
        {"t": tables},
    ).fetchall()
    for table, name, _ in foreign_keys + keys:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    indexes = cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%(t)s)",
        {"t": tables},
    ).fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return _SetAside(
        keys=[
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for table, name, definition in keys
        ],
        indexes=[definition for _, definition in indexes],
        foreign_keys=[
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in foreign_keys
        ],
    )


def generate(conninfo: str, scale: float, now: datetime, say: Callable[[str], None]) -> dict[str, float]:
    """Fill the empty, migrated database at `conninfo`; returns the seconds each step took."""
    sizes = Sizes.at(scale)
    took: dict[str, float] = {}
    with psycopg.connect(conninfo, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("SET work_mem = '512MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        # Compiling each window's statement would take longer than running it.
        cursor.execute("SET jit = off")
        cursor.execute(
            "CREATE FUNCTION pg_temp.h(key bigint, salt int) RETURNS int LANGUAGE sql IMMUTABLE "
            "AS $$ SELECT hashint8(key * 1000003 + salt) & 2147483647 $$"
        )
        started = time.perf_counter()
        set_aside = _set_aside(cursor)
        took["drop constraints and indexes"] = time.perf_counter() - started
        for label, statements in _statements(sizes):
            started = time.perf_counter()
            for sql in statements:
                # The SQL is ours, not input: the moment goes in as a literal (some statements hold it often).
                cursor.execute(
                    re.sub(r"\bh\(", "pg_temp.h(", sql).replace(":now", f"'{now.isoformat()}'::timestamptz")
                )
            took[label] = time.perf_counter() - started
            say(f"  {label}: {took[label]:.1f} s")
        for label, statements in (
            ("primary keys and unique constraints", set_aside.keys),
            ("indexes", set_aside.indexes),
            ("foreign keys (checks every row)", set_aside.foreign_keys),
        ):
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
            took[label] = time.perf_counter() - started
            say(f"  {label}: {took[label]:.1f} s")
        started = time.perf_counter()
        for table in (*BULK_TABLES, "municipality", "serviceunit"):
            if table == "powerofattorneyarea":
                continue
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        # What autovacuum would have done by now: statistics, and the visibility map index-only scans need.
        cursor.execute("VACUUM (ANALYZE)")
        took["vacuum and analyze"] = time.perf_counter() - started
        say(f"  vacuum and analyze: {took['vacuum and analyze']:.1f} s")
    return took
