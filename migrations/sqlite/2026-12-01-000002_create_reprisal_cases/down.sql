DROP TABLE reprisal_consents;
DROP TABLE reprisal_follow_ups;
DROP TABLE reprisal_case_cycles;
DROP TABLE reprisal_case_acts;
DROP TABLE reprisal_cases;
