-- The public part of the API's tables as PostGraphile sees them: a schema of views (`pgl`) over the same tables and
-- indexes (the current implementation status included, stored on the recommendation as the API stores it), with
-- smart comments for the keys PostGraphile cannot read from a view, and functions for the search and the counts,
-- each the same SQL the API runs. Nothing restricted (complaints, early warning, reprisal cases, the roster, the
-- fund) is in it.
DROP SCHEMA IF EXISTS pgl CASCADE;
CREATE SCHEMA pgl;

CREATE VIEW pgl.regional_groups AS SELECT id, code, name_en FROM public.regional_groups;
CREATE VIEW pgl.countries AS SELECT id, iso3, name_en, regional_group_id FROM public.countries;
CREATE VIEW pgl.mechanisms AS SELECT id, key, kind, name_en FROM public.mechanisms;
CREATE VIEW pgl.mandates AS SELECT id, key, name_en, scope, form, status, mechanism_id FROM public.mandates;
CREATE VIEW pgl.mandate_holders AS SELECT id, mandate_id, name, role, starts_on, ends_on FROM public.mandate_holders;
CREATE VIEW pgl.visits AS
    SELECT id, key, mandate_id, country_id, status, starts_on, requested_on FROM public.visits;
CREATE VIEW pgl.thesaurus_terms AS SELECT id, key, facet, name_en FROM public.thesaurus_terms;
CREATE VIEW pgl.sdg_targets AS SELECT id, code FROM public.sdg_targets;
CREATE VIEW pgl.recommendations AS
    SELECT id, key, source_kind, mechanism_id, country_id, upr_cycle, response, text_en, made_on,
           current_implementation_status
    FROM public.recommendations;
CREATE VIEW pgl.recommendation_terms AS SELECT recommendation_id, term_id FROM public.recommendation_terms;
CREATE VIEW pgl.recommendation_sdg_targets AS
    SELECT recommendation_id, sdg_target_id FROM public.recommendation_sdg_targets;
CREATE VIEW pgl.implementation_reports AS
    SELECT id, recommendation_id, status, reported_on FROM public.implementation_reports;

COMMENT ON VIEW pgl.regional_groups IS E'@primaryKey id';
COMMENT ON VIEW pgl.countries IS E'@primaryKey id\n@unique iso3\n@foreignKey (regional_group_id) references pgl.regional_groups (id)';
COMMENT ON VIEW pgl.mechanisms IS E'@primaryKey id';
COMMENT ON VIEW pgl.mandates IS E'@primaryKey id\n@foreignKey (mechanism_id) references pgl.mechanisms (id)';
COMMENT ON VIEW pgl.mandate_holders IS E'@primaryKey id\n@foreignKey (mandate_id) references pgl.mandates (id)';
COMMENT ON VIEW pgl.visits IS E'@primaryKey id\n@foreignKey (mandate_id) references pgl.mandates (id)\n@foreignKey (country_id) references pgl.countries (id)';
COMMENT ON VIEW pgl.thesaurus_terms IS E'@primaryKey id';
COMMENT ON VIEW pgl.sdg_targets IS E'@primaryKey id';
COMMENT ON VIEW pgl.recommendations IS E'@primaryKey id\n@foreignKey (country_id) references pgl.countries (id)\n@foreignKey (mechanism_id) references pgl.mechanisms (id)';
COMMENT ON VIEW pgl.recommendation_terms IS E'@primaryKey recommendation_id,term_id\n@foreignKey (recommendation_id) references pgl.recommendations (id)\n@foreignKey (term_id) references pgl.thesaurus_terms (id)';
COMMENT ON VIEW pgl.recommendation_sdg_targets IS E'@primaryKey recommendation_id,sdg_target_id\n@foreignKey (recommendation_id) references pgl.recommendations (id)\n@foreignKey (sdg_target_id) references pgl.sdg_targets (id)';
COMMENT ON VIEW pgl.implementation_reports IS E'@primaryKey id\n@foreignKey (recommendation_id) references pgl.recommendations (id)';

-- Full-text search with the two filters of the workload.
CREATE FUNCTION pgl.search_recommendations(q text, response text, cycle int) RETURNS SETOF pgl.recommendations
    LANGUAGE sql STABLE AS $$
    SELECT r.id, r.key, r.source_kind, r.mechanism_id, r.country_id, r.upr_cycle, r.response, r.text_en, r.made_on,
           r.current_implementation_status
    FROM public.recommendations r
    WHERE r.search_vector @@ plainto_tsquery('english', q) AND r.response = $2 AND r.upr_cycle = $3
$$;

-- The same search's matches counted up to a limit (the API's `countUpTo`): one more than the limit means "more".
CREATE FUNCTION pgl.search_recommendations_count_up_to(q text, response text, cycle int, up_to int) RETURNS int
    LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM (
        SELECT 1 FROM public.recommendations r
        WHERE r.search_vector @@ plainto_tsquery('english', q) AND r.response = $2 AND r.upr_cycle = $3
        ORDER BY r.id
        LIMIT up_to + 1
    ) t
$$;

CREATE TYPE pgl.response_count AS (response text, n bigint);
CREATE FUNCTION pgl.recommendation_counts_by_response(iso text) RETURNS SETOF pgl.response_count
    LANGUAGE sql STABLE AS $$
    SELECT r.response, count(*) FROM public.recommendations r JOIN public.countries c ON c.id = r.country_id
    WHERE c.iso3 = iso GROUP BY 1 ORDER BY 2 DESC
$$;

CREATE TYPE pgl.group_status_count AS (regional_group text, status text, n bigint);
CREATE FUNCTION pgl.recommendation_counts_by_group_and_status(cycle int) RETURNS SETOF pgl.group_status_count
    LANGUAGE sql STABLE AS $$
    -- The statement our server runs: counted by country id and status first, then labelled and summed; the
    -- benchmark rotates the UPR cycle.
    SELECT g.code, r.status, CAST(sum(r.n) AS bigint)
    FROM (SELECT country_id, current_implementation_status AS status, count(*) AS n
          FROM public.recommendations WHERE upr_cycle = cycle GROUP BY 1, 2) r
    LEFT JOIN public.countries c ON c.id = r.country_id
    LEFT JOIN public.regional_groups g ON g.id = c.regional_group_id
    GROUP BY 1, 2 ORDER BY 3 DESC
$$;
