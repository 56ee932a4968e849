DROP TABLE recommendation_terms;
DROP TABLE thesaurus_terms;
