#!/usr/bin/env bash
# Adds N news posts to a database that holds the demo data (for the feed benchmark at scale):
# spread over the demo schools, one in ten to the whole school, the others to one of the
# school's groups, one a minute going back in time (so the demo's own posts stay newest), all
# already notified (the worker does not fan them out).
# Usage: bench/seed-news.sh N DATABASE   (DATABASE: a SQLite file, or a postgres:// URL)
set -euo pipefail
n="$1"
db="$2"
# The schools and groups numbered from 0, so post i goes to school i mod (schools) and to group
# i mod (groups of that school).
ranked="schools_ranked AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM schools),
  groups_ranked AS (SELECT id, school_id, ROW_NUMBER() OVER (PARTITION BY school_id ORDER BY id) - 1 AS k,
    COUNT(*) OVER (PARTITION BY school_id) AS n FROM school_groups)"
columns="id, school_id, author_id, title, body, language, audience, priority, pinned,
  comments_enabled, confirmation, published_at, publish_at, live_at, expires_at, created_at,
  updated_at, deleted_at, notified_at"
case "$db" in
postgres://* | postgresql://*)
  psql -q "$db" <<SQL
BEGIN;
CREATE TEMP TABLE bench_posts AS
WITH $ranked
SELECT '00000000-0000-7000-8000-' || lpad(i::text, 12, '0') AS id, s.id AS school_id, i,
  (now() AT TIME ZONE 'utc') - make_interval(mins => i::int) AS t
FROM generate_series(1, $n) AS i
JOIN schools_ranked s ON s.k = i % (SELECT count(*) FROM schools);
INSERT INTO news_posts ($columns)
SELECT id, school_id, NULL, 'Bench ' || i, 'Tekst', 'nl',
  CASE WHEN i % 10 = 0 THEN 'school' ELSE 'groups' END, 'normal', FALSE, FALSE, 'none',
  t, NULL, t, NULL, t, t, NULL, t
FROM bench_posts;
INSERT INTO news_post_groups (post_id, group_id)
WITH $ranked
SELECT p.id, g.id FROM bench_posts p
JOIN groups_ranked g ON g.school_id = p.school_id AND g.k = p.i % g.n
WHERE p.i % 10 <> 0;
COMMIT;
ANALYZE;
SQL
  ;;
*)
  # IMMEDIATE: the transaction reads before it writes, and the server writes too (see
  # persistence::connection::lock_for_write).
  sqlite3 -cmd ".timeout 60000" "$db" <<SQL
BEGIN IMMEDIATE;
CREATE TEMP TABLE bench_posts AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n), $ranked
SELECT printf('00000000-0000-7000-8000-%012d', i) AS id, s.id AS school_id, i,
  strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || i || ' minutes') AS t
FROM n JOIN schools_ranked s ON s.k = i % (SELECT count(*) FROM schools);
INSERT INTO news_posts ($columns)
SELECT id, school_id, NULL, 'Bench ' || i, 'Tekst', 'nl',
  CASE WHEN i % 10 = 0 THEN 'school' ELSE 'groups' END, 'normal', 0, 0, 'none',
  t, NULL, t, NULL, t, t, NULL, t
FROM bench_posts;
INSERT INTO news_post_groups (post_id, group_id)
WITH $ranked
SELECT p.id, g.id FROM bench_posts p
JOIN groups_ranked g ON g.school_id = p.school_id AND g.k = p.i % g.n
WHERE p.i % 10 <> 0;
COMMIT;
ANALYZE;
SQL
  ;;
esac
