DROP TABLE roster_deployments;
DROP TABLE roster_availability;
DROP TABLE roster_expert_regions;
DROP TABLE roster_expert_languages;
DROP TABLE roster_expert_expertise;
DROP TABLE roster_experts;
