-- The day a mechanism (such as an investigative body) ended; null while it runs.
ALTER TABLE mechanisms ADD COLUMN ended_on DATE;
