DROP TABLE job_leases;
DROP TABLE retention_run_counts;
DROP TABLE retention_runs;
