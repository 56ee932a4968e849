DROP TABLE complaint_audit_log;
DROP TABLE complaint_council_decisions;
DROP TABLE complaint_events;
DROP TABLE complaint_authors;
DROP TABLE complaint_communications;
DROP TABLE complaint_situations;
DROP FUNCTION complaint_append_only();
