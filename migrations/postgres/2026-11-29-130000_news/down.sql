DROP TABLE news_reads;
DROP TABLE news_revisions;
DROP TABLE news_attachments;
DROP TABLE news_post_groups;
DROP TABLE news_posts;
