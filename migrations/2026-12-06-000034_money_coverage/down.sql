DROP TABLE money_coverage_days;
