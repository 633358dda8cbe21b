DROP TABLE planner_feeds;
