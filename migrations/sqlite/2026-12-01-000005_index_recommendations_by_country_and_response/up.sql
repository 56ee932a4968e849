-- A country's recommendations counted by response (the country page's counts) read this index alone: on a million
-- recommendations, 1.1 ms instead of 13.5 ms for the 5,100 of one country, whose rows lie all over the table.
CREATE INDEX IF NOT EXISTS recommendations_country_response_idx ON recommendations (country_id, response);
