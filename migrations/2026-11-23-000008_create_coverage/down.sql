DROP TABLE coverage_days;
