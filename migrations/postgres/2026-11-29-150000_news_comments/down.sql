DROP TABLE news_confirmations;
DROP TABLE news_comments;
ALTER TABLE news_posts DROP COLUMN version;
