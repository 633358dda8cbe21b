DROP INDEX news_posts_release_idx;
ALTER TABLE news_posts DROP COLUMN notified_at;
DROP TABLE school_notification_settings;
DROP TABLE notification_opt_ins;
DROP TABLE notification_preferences;
DROP TABLE email_deliveries;
DROP TABLE inbox_items;
DROP TABLE notification_events;
