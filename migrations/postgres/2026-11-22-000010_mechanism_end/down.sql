ALTER TABLE mechanisms DROP COLUMN ended_on;
