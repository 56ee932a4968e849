DROP TABLE knowledge_item_terms;
DROP TABLE knowledge_items;
DROP TABLE cluster_recommendations;
DROP TABLE recommendation_clusters;
DROP TABLE action_plans;
DROP TABLE national_mechanism_participants;
DROP TABLE national_mechanisms;
