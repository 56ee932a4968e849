//! Table definitions, the same on both backends (see `migrations/`).

diesel::table! {
    regional_groups (id) {
        id -> BigInt,
        code -> Text,
        name_en -> Text,
        name_zh -> Text,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    countries (id) {
        id -> BigInt,
        iso3 -> Text,
        name_en -> Text,
        name_zh -> Text,
        un_status -> Text,
        regional_group_id -> Nullable<BigInt>,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        body -> Text,
        number -> Integer,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sdg_goals (id) {
        id -> BigInt,
        number -> Integer,
        name_en -> Text,
        name_zh -> Text,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sdg_targets (id) {
        id -> BigInt,
        code -> Text,
        goal_id -> BigInt,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    resolutions (id) {
        id -> BigInt,
        key -> Text,
        symbol -> Nullable<Text>,
        organ -> Text,
        session_id -> Nullable<BigInt>,
        agenda_item -> Nullable<Integer>,
        title_en -> Nullable<Text>,
        title_zh -> Nullable<Text>,
        status -> Text,
        adopted_on -> Nullable<Date>,
        meeting -> Nullable<Text>,
        adoption_method -> Nullable<Text>,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        kind -> Text,
        special_session -> Nullable<Integer>,
        agenda_title -> Nullable<Text>,
        subject -> Nullable<Text>,
        main_sponsors -> Nullable<Text>,
        official_yes -> Nullable<Integer>,
        official_no -> Nullable<Integer>,
        official_abstain -> Nullable<Integer>,
        official_non_voting -> Nullable<Integer>,
        tally_disagrees -> Bool,
        concerns_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    resolution_votes (resolution_id, country_id) {
        resolution_id -> BigInt,
        country_id -> BigInt,
        vote -> Text,
        source -> Text,
    }
}

diesel::table! {
    resolution_sponsors (resolution_id, country_id) {
        resolution_id -> BigInt,
        country_id -> BigInt,
        council_member -> Bool,
        source -> Text,
        main -> Bool,
    }
}

diesel::table! {
    country_aliases (id) {
        id -> BigInt,
        country_id -> BigInt,
        name -> Text,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    council_memberships (id) {
        id -> BigInt,
        country_id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        derived -> Bool,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        symbol -> Text,
        title_en -> Nullable<Text>,
        title_zh -> Nullable<Text>,
        author -> Nullable<Text>,
        session_id -> Nullable<BigInt>,
        agenda_item -> Nullable<Integer>,
        published_on -> Nullable<Date>,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        requested_by_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    mechanisms (id) {
        id -> BigInt,
        key -> Text,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        name_en -> Text,
        name_zh -> Nullable<Text>,
        description_en -> Nullable<Text>,
        description_zh -> Nullable<Text>,
        country_id -> Nullable<BigInt>,
        established_by_id -> Nullable<BigInt>,
        prevention_dimension -> Nullable<Bool>,
        source -> Text,
        ended_on -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mandates (id) {
        id -> BigInt,
        key -> Text,
        mechanism_id -> BigInt,
        scope -> Text,
        form -> Text,
        country_id -> Nullable<BigInt>,
        name_en -> Text,
        name_zh -> Nullable<Text>,
        established_by_id -> Nullable<BigInt>,
        status -> Text,
        term_ends_on -> Nullable<Date>,
        prevention_dimension -> Nullable<Bool>,
        source -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    recommendations (id) {
        id -> BigInt,
        key -> Text,
        source_kind -> Text,
        mechanism_id -> Nullable<BigInt>,
        mandate_id -> Nullable<BigInt>,
        report_id -> Nullable<BigInt>,
        paragraph -> Nullable<Text>,
        addressee -> Text,
        country_id -> Nullable<BigInt>,
        recommending_country_id -> Nullable<BigInt>,
        upr_cycle -> Nullable<Integer>,
        session_id -> Nullable<BigInt>,
        response -> Nullable<Text>,
        text_en -> Nullable<Text>,
        text_zh -> Nullable<Text>,
        priority -> Bool,
        cluster -> Nullable<Text>,
        fictional -> Bool,
        version -> Integer,
        source -> Text,
        made_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        current_implementation_status -> Nullable<Text>,
    }
}

diesel::table! {
    visits (id) {
        id -> BigInt,
        key -> Text,
        mandate_id -> BigInt,
        country_id -> BigInt,
        status -> Text,
        requested_on -> Nullable<Date>,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        report_id -> Nullable<BigInt>,
        fictional -> Bool,
        source -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor -> Text,
        action -> Text,
        entity -> Text,
        entity_key -> Text,
        detail -> Text,
    }
}

diesel::table! {
    recommendation_sdg_targets (recommendation_id, sdg_target_id) {
        recommendation_id -> BigInt,
        sdg_target_id -> BigInt,
    }
}

diesel::table! {
    implementation_reports (id) {
        id -> BigInt,
        recommendation_id -> BigInt,
        status -> Text,
        reported_on -> Date,
        source_kind -> Text,
        evidence -> Nullable<Text>,
        fictional -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    thesaurus_terms (id) {
        id -> BigInt,
        key -> Text,
        facet -> Text,
        name_en -> Text,
        name_zh -> Text,
        description_en -> Nullable<Text>,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    recommendation_terms (recommendation_id, term_id) {
        recommendation_id -> BigInt,
        term_id -> BigInt,
    }
}

diesel::table! {
    mandate_holders (id) {
        id -> BigInt,
        key -> Text,
        mandate_id -> BigInt,
        name -> Text,
        role -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        fictional -> Bool,
        version -> Integer,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mandate_renewals (mandate_id, resolution_id) {
        mandate_id -> BigInt,
        resolution_id -> BigInt,
        renewed_until -> Nullable<Date>,
        source -> Text,
    }
}

diesel::table! {
    communications (id) {
        id -> BigInt,
        key -> Text,
        kind -> Text,
        country_id -> Nullable<BigInt>,
        sent_on -> Date,
        summary_en -> Nullable<Text>,
        summary_zh -> Nullable<Text>,
        reply_received_on -> Nullable<Date>,
        reply_summary -> Nullable<Text>,
        fictional -> Bool,
        version -> Integer,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    communication_mandates (communication_id, mandate_id) {
        communication_id -> BigInt,
        mandate_id -> BigInt,
    }
}

diesel::table! {
    standing_invitations (id) {
        id -> BigInt,
        country_id -> BigInt,
        extended_on -> Nullable<Date>,
        fictional -> Bool,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    country_situations (id) {
        id -> BigInt,
        key -> Text,
        country_id -> BigInt,
        agenda_item -> Nullable<Integer>,
        title_en -> Text,
        title_zh -> Nullable<Text>,
        summary_en -> Nullable<Text>,
        fictional -> Bool,
        version -> Integer,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    situation_bodies (id) {
        id -> BigInt,
        situation_id -> BigInt,
        mechanism_id -> Nullable<BigInt>,
        mandate_id -> Nullable<BigInt>,
        source -> Text,
    }
}

diesel::table! {
    situation_events (id) {
        id -> BigInt,
        key -> Text,
        situation_id -> BigInt,
        kind -> Text,
        year -> Nullable<Integer>,
        held_on -> Nullable<Date>,
        session_id -> Nullable<BigInt>,
        mandate_id -> Nullable<BigInt>,
        report_id -> Nullable<BigInt>,
        description_en -> Nullable<Text>,
        description_zh -> Nullable<Text>,
        fictional -> Bool,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    national_mechanisms (id) {
        id -> BigInt,
        key -> Text,
        country_id -> BigInt,
        name_en -> Text,
        name_zh -> Nullable<Text>,
        kind -> Text,
        established_on -> Nullable<Date>,
        fictional -> Bool,
        version -> Integer,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    national_mechanism_participants (id) {
        id -> BigInt,
        national_mechanism_id -> BigInt,
        name -> Text,
        kind -> Text,
        role -> Text,
        source -> Text,
    }
}

diesel::table! {
    action_plans (id) {
        id -> BigInt,
        key -> Text,
        national_mechanism_id -> BigInt,
        title -> Text,
        adopted_on -> Nullable<Date>,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        source -> Text,
    }
}

diesel::table! {
    recommendation_clusters (id) {
        id -> BigInt,
        national_mechanism_id -> BigInt,
        name -> Text,
        theme_id -> Nullable<BigInt>,
        lead -> Nullable<Text>,
        source -> Text,
    }
}

diesel::table! {
    cluster_recommendations (cluster_id, recommendation_id) {
        cluster_id -> BigInt,
        recommendation_id -> BigInt,
    }
}

diesel::table! {
    knowledge_items (id) {
        id -> BigInt,
        key -> Text,
        kind -> Text,
        title_en -> Text,
        title_zh -> Nullable<Text>,
        body_en -> Nullable<Text>,
        body_zh -> Nullable<Text>,
        country_id -> Nullable<BigInt>,
        regional_group_id -> Nullable<BigInt>,
        national_mechanism_id -> Nullable<BigInt>,
        report_id -> Nullable<BigInt>,
        shared_on -> Nullable<Date>,
        fictional -> Bool,
        version -> Integer,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_item_terms (item_id, term_id) {
        item_id -> BigInt,
        term_id -> BigInt,
    }
}

diesel::table! {
    complaint_public_figures (id) {
        id -> BigInt,
        key -> Text,
        value -> Integer,
        qualifier -> Text,
        unit -> Text,
        as_of_year -> Integer,
        label_en -> Text,
        label_zh -> Nullable<Text>,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_public_examinations (id) {
        id -> BigInt,
        key -> Text,
        country_id -> BigInt,
        session_number -> Integer,
        announced_on -> Date,
        public_outcome -> Nullable<Text>,
        fictional -> Bool,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    funds (id) {
        id -> BigInt,
        key -> Text,
        kind -> Text,
        status -> Text,
        name_en -> Text,
        name_zh -> Nullable<Text>,
        currency -> Text,
        has_committee -> Bool,
        source -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fund_committee_members (id) {
        id -> BigInt,
        fund_id -> BigInt,
        country_id -> BigInt,
        regional_group_id -> BigInt,
        term_starts_on -> Date,
        term_ends_on -> Date,
        representatives -> Text,
        serving -> Bool,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fund_criteria_versions (id) {
        id -> BigInt,
        fund_id -> BigInt,
        number -> Integer,
        adopted_on -> Date,
        fictional -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fund_criteria (id) {
        id -> BigInt,
        criteria_version_id -> BigInt,
        key -> Text,
        description -> Text,
        max_score -> Integer,
    }
}

diesel::table! {
    fund_requests (id) {
        id -> BigInt,
        key -> Text,
        fund_id -> BigInt,
        country_id -> BigInt,
        title -> Text,
        needs_assessment -> Text,
        partners -> Text,
        attachments -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        status -> Text,
        criteria_version_id -> Nullable<BigInt>,
        submitted_on -> Nullable<Date>,
        decided_on -> Nullable<Date>,
        decision_reasons -> Nullable<Text>,
        approved_minor -> Nullable<BigInt>,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fund_request_recommendations (request_id, recommendation_id) {
        request_id -> BigInt,
        recommendation_id -> BigInt,
    }
}

diesel::table! {
    fund_request_events (id) {
        id -> BigInt,
        request_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor -> Text,
        occurred_at -> Timestamp,
        comment -> Text,
    }
}

diesel::table! {
    fund_reviews (id) {
        id -> BigInt,
        request_id -> BigInt,
        member_id -> BigInt,
        reviewer -> Text,
        recommendation -> Text,
        comment -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fund_review_scores (review_id, criterion_id) {
        review_id -> BigInt,
        criterion_id -> BigInt,
        score -> Integer,
    }
}

diesel::table! {
    fund_disbursements (id) {
        id -> BigInt,
        request_id -> BigInt,
        amount_minor -> BigInt,
        disbursed_on -> Date,
        reference -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(fund_request_recommendations -> fund_requests (request_id));
diesel::joinable!(fund_request_recommendations -> recommendations (recommendation_id));
diesel::joinable!(fund_requests -> countries (country_id));
diesel::joinable!(fund_review_scores -> fund_reviews (review_id));
diesel::joinable!(fund_review_scores -> fund_criteria (criterion_id));
diesel::joinable!(fund_reviews -> fund_committee_members (member_id));
diesel::joinable!(complaint_public_examinations -> countries (country_id));
diesel::joinable!(cluster_recommendations -> recommendation_clusters (cluster_id));
diesel::joinable!(cluster_recommendations -> recommendations (recommendation_id));
diesel::joinable!(knowledge_item_terms -> knowledge_items (item_id));
diesel::joinable!(knowledge_item_terms -> thesaurus_terms (term_id));
diesel::joinable!(communication_mandates -> communications (communication_id));
diesel::joinable!(communication_mandates -> mandates (mandate_id));
diesel::joinable!(mandate_renewals -> resolutions (resolution_id));
diesel::joinable!(recommendation_terms -> recommendations (recommendation_id));
diesel::joinable!(recommendation_terms -> thesaurus_terms (term_id));
diesel::joinable!(recommendation_sdg_targets -> recommendations (recommendation_id));
diesel::joinable!(recommendation_sdg_targets -> sdg_targets (sdg_target_id));
diesel::joinable!(implementation_reports -> recommendations (recommendation_id));
diesel::joinable!(mandates -> mechanisms (mechanism_id));
diesel::joinable!(countries -> regional_groups (regional_group_id));
diesel::joinable!(sdg_targets -> sdg_goals (goal_id));
diesel::joinable!(resolutions -> sessions (session_id));
diesel::joinable!(resolution_votes -> resolutions (resolution_id));
diesel::joinable!(resolution_votes -> countries (country_id));
diesel::joinable!(resolution_sponsors -> resolutions (resolution_id));
diesel::joinable!(resolution_sponsors -> countries (country_id));
diesel::joinable!(council_memberships -> countries (country_id));
diesel::joinable!(country_aliases -> countries (country_id));
diesel::joinable!(reports -> sessions (session_id));

diesel::table! {
    early_warning_signals (id) {
        id -> BigInt,
        key -> Text,
        country_id -> BigInt,
        observed_on -> Date,
        reported_on -> Date,
        source_kind -> Text,
        source_reference -> Text,
        category -> Text,
        severity -> Text,
        description -> Text,
        status -> Text,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    early_warning_signal_events (id) {
        id -> BigInt,
        signal_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor -> Text,
        occurred_at -> Timestamp,
        reason -> Text,
    }
}

diesel::table! {
    early_warning_signal_links (id) {
        id -> BigInt,
        signal_id -> BigInt,
        recommendation_id -> Nullable<BigInt>,
        mandate_id -> Nullable<BigInt>,
        communication_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    horizon_briefings (id) {
        id -> BigInt,
        key -> Text,
        briefing_on -> Date,
        session_id -> Nullable<BigInt>,
        regional_group_id -> Nullable<BigInt>,
        title -> Text,
        text_en -> Text,
        text_zh -> Nullable<Text>,
        status -> Text,
        source -> Text,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    horizon_briefing_countries (briefing_id, country_id) {
        briefing_id -> BigInt,
        country_id -> BigInt,
    }
}

diesel::table! {
    reprisal_cases (id) {
        id -> BigInt,
        key -> Text,
        public_key -> Text,
        country_id -> BigInt,
        mechanism_id -> BigInt,
        occasion -> Text,
        session_id -> Nullable<BigInt>,
        visit_id -> Nullable<BigInt>,
        communication_id -> Nullable<BigInt>,
        person_kind -> Text,
        person_name -> Text,
        person_details -> Text,
        summary -> Text,
        first_act_on -> Date,
        last_act_on -> Nullable<Date>,
        government_response -> Nullable<Text>,
        government_responded_on -> Nullable<Date>,
        status -> Text,
        published_on -> Nullable<Date>,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reprisal_case_acts (case_id, act) {
        case_id -> BigInt,
        act -> Text,
    }
}

diesel::table! {
    reprisal_case_cycles (case_id, report_year) {
        case_id -> BigInt,
        report_year -> Integer,
        report_symbol -> Nullable<Text>,
    }
}

diesel::table! {
    reprisal_follow_ups (id) {
        id -> BigInt,
        case_id -> BigInt,
        taken_on -> Date,
        action -> Text,
        actor -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reprisal_consents (id) {
        id -> BigInt,
        case_id -> BigInt,
        scope -> Text,
        given_on -> Date,
        withdrawn_on -> Nullable<Date>,
        recorded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    roster_experts (id) {
        id -> BigInt,
        key -> Text,
        name -> Text,
        email -> Text,
        nationality_id -> Nullable<BigInt>,
        biography -> Text,
        fictional -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    roster_expert_expertise (expert_id, term_id) {
        expert_id -> BigInt,
        term_id -> BigInt,
    }
}

diesel::table! {
    roster_expert_languages (expert_id, language) {
        expert_id -> BigInt,
        language -> Text,
    }
}

diesel::table! {
    roster_expert_regions (expert_id, regional_group_id) {
        expert_id -> BigInt,
        regional_group_id -> BigInt,
    }
}

diesel::table! {
    roster_availability (id) {
        id -> BigInt,
        expert_id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
    }
}

diesel::table! {
    roster_deployments (id) {
        id -> BigInt,
        expert_id -> BigInt,
        country_id -> Nullable<BigInt>,
        mechanism_id -> Nullable<BigInt>,
        role -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(early_warning_signals -> countries (country_id));
diesel::joinable!(early_warning_signal_events -> early_warning_signals (signal_id));
diesel::joinable!(early_warning_signal_links -> early_warning_signals (signal_id));
diesel::joinable!(horizon_briefing_countries -> horizon_briefings (briefing_id));
diesel::joinable!(horizon_briefing_countries -> countries (country_id));
diesel::joinable!(reprisal_cases -> countries (country_id));
diesel::joinable!(reprisal_cases -> mechanisms (mechanism_id));
diesel::joinable!(reprisal_case_acts -> reprisal_cases (case_id));
diesel::joinable!(reprisal_case_cycles -> reprisal_cases (case_id));
diesel::joinable!(reprisal_follow_ups -> reprisal_cases (case_id));
diesel::joinable!(reprisal_consents -> reprisal_cases (case_id));
diesel::joinable!(roster_expert_expertise -> roster_experts (expert_id));
diesel::joinable!(roster_expert_expertise -> thesaurus_terms (term_id));
diesel::joinable!(roster_expert_languages -> roster_experts (expert_id));
diesel::joinable!(roster_expert_regions -> roster_experts (expert_id));
diesel::joinable!(roster_availability -> roster_experts (expert_id));
diesel::joinable!(roster_deployments -> roster_experts (expert_id));

diesel::table! {
    persisted_queries (hash) {
        hash -> Text,
        document -> Text,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    regional_groups,
    countries,
    sessions,
    sdg_goals,
    sdg_targets,
    resolutions,
    resolution_votes,
    resolution_sponsors,
    council_memberships,
    country_aliases,
    reports,
    mechanisms,
    mandates,
    recommendations,
    recommendation_sdg_targets,
    implementation_reports,
    audit_log,
    visits,
    thesaurus_terms,
    recommendation_terms,
    mandate_holders,
    mandate_renewals,
    communications,
    communication_mandates,
    standing_invitations,
    country_situations,
    situation_bodies,
    situation_events,
    national_mechanisms,
    national_mechanism_participants,
    action_plans,
    recommendation_clusters,
    cluster_recommendations,
    knowledge_items,
    knowledge_item_terms,
    complaint_public_figures,
    complaint_public_examinations,
    funds,
    fund_committee_members,
    fund_criteria_versions,
    fund_criteria,
    fund_requests,
    fund_request_recommendations,
    fund_request_events,
    fund_reviews,
    fund_review_scores,
    fund_disbursements,
    early_warning_signals,
    early_warning_signal_events,
    early_warning_signal_links,
    horizon_briefings,
    horizon_briefing_countries,
    reprisal_cases,
    reprisal_case_acts,
    reprisal_case_cycles,
    reprisal_follow_ups,
    reprisal_consents,
    roster_experts,
    roster_expert_expertise,
    roster_expert_languages,
    roster_expert_regions,
    roster_availability,
    roster_deployments,
);
