#!/usr/bin/env bash
# Adds N news posts to a database that holds the demo data (for the feed benchmark at scale):
# spread over the demo schools, one in ten to the whole school, the others to one of the
# school's groups, one a minute going back in time (so the demo's own posts stay newest).
# Usage: bench/seed-news.sh N DATABASE   (DATABASE: a SQLite file, or a postgres:// URL)
set -euo pipefail
n="$1"
db="$2"
case "$db" in
postgres://* | postgresql://*)
  psql -q "$db" <<SQL
INSERT INTO news_posts (id, school_id, author_id, title, body, language, audience, priority, pinned,
  comments_enabled, confirmation, published_at, publish_at, live_at, expires_at, created_at,
  updated_at, deleted_at, notified_at)
SELECT '00000000-0000-7000-8000-' || lpad(i::text, 12, '0'),
  (SELECT id FROM schools ORDER BY id LIMIT 1 OFFSET (i % (SELECT count(*) FROM schools))),
  NULL, 'Bench ' || i, 'Tekst', 'nl', CASE WHEN i % 10 = 0 THEN 'school' ELSE 'groups' END,
  'normal', FALSE, FALSE, 'none', t, NULL, t, NULL, t, t, NULL, t
FROM generate_series(1, $n) AS i,
  LATERAL (SELECT (now() AT TIME ZONE 'utc') - make_interval(mins => i) AS t) AS times;
INSERT INTO news_post_groups (post_id, group_id)
SELECT p.id, (SELECT g.id FROM school_groups g WHERE g.school_id = p.school_id ORDER BY g.id
  LIMIT 1 OFFSET (right(p.id, 12)::bigint % (SELECT count(*) FROM school_groups h WHERE h.school_id = p.school_id)))
FROM news_posts p WHERE p.id LIKE '00000000-0000-7000-8000-%' AND p.audience = 'groups';
ANALYZE;
SQL
  ;;
*)
  sqlite3 "$db" <<SQL
PRAGMA busy_timeout = 60000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO news_posts (id, school_id, author_id, title, body, language, audience, priority, pinned,
  comments_enabled, confirmation, published_at, publish_at, live_at, expires_at, created_at,
  updated_at, deleted_at, notified_at)
SELECT printf('00000000-0000-7000-8000-%012d', i),
  (SELECT id FROM schools ORDER BY id LIMIT 1 OFFSET (i % (SELECT count(*) FROM schools))),
  NULL, 'Bench ' || i, 'Tekst', 'nl', CASE WHEN i % 10 = 0 THEN 'school' ELSE 'groups' END,
  'normal', 0, 0, 'none', t, NULL, t, NULL, t, t, NULL, t
FROM (SELECT i, strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || i || ' minutes') AS t FROM n);
INSERT INTO news_post_groups (post_id, group_id)
SELECT p.id, (SELECT g.id FROM school_groups g WHERE g.school_id = p.school_id ORDER BY g.id
  LIMIT 1 OFFSET (CAST(substr(p.id, 25) AS INTEGER) % (SELECT count(*) FROM school_groups h WHERE h.school_id = p.school_id)))
FROM news_posts p WHERE p.id LIKE '00000000-0000-7000-8000-%' AND p.audience = 'groups';
COMMIT;
ANALYZE;
SQL
  ;;
esac
