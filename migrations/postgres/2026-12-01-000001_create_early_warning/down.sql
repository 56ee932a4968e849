DROP TABLE horizon_briefing_countries;
DROP TABLE horizon_briefings;
DROP TABLE early_warning_signal_links;
DROP TABLE early_warning_signal_events;
DROP TABLE early_warning_signals;
DROP FUNCTION early_warning_append_only();
