-- Views over the tracker store's `events` table for a BI tool (Metabase, Grafana, Superset).
--
-- The table is Rasa's SQLTrackerStore schema, written redacted by rasa_ext/tracker_store.py:
--   events(id, sender_id, type_name, timestamp, intent_name, action_name, data)
-- `data` is the JSON of the event (Event.as_dict()); `timestamp` is Unix seconds.
--
-- Written for PostgreSQL (`data` is TEXT there, hence the casts). On SQLite >= 3.38 the same
-- file runs once every `CAST(e.data AS json)` is replaced by `e.data` (SQLite's ->> reads JSON
-- text directly; its CAST to an unknown type would turn the text into 0):
--   sed 's/CAST(e.data AS json)/e.data/g' docs/analytics.sql | sqlite3 var/conversations.db
-- tests/analytics/test_report.py runs it that way and compares with `python -m bot report`.
-- Times stay in Unix seconds: convert in the BI tool (PostgreSQL: to_timestamp(started_at)).
--
-- Steps, invitation check outcomes and unmet password rules are read from the slots the
-- actions record for the report (bot/analytics/recorded.py): `registration_steps`,
-- `invitation_check` and `password_rules_unmet`, each a JSON list of stable names, never from
-- the assistant's wording. The figures match `python -m bot report` for every step but
-- "account activated", which lives in the accounts database (accounts.activated_at).

DROP VIEW IF EXISTS onboarding_resolution;
DROP VIEW IF EXISTS onboarding_topic_helpfulness;
DROP VIEW IF EXISTS onboarding_answers;
DROP VIEW IF EXISTS onboarding_funnel;
DROP VIEW IF EXISTS onboarding_conversations;
DROP VIEW IF EXISTS onboarding_messages;

-- One row per user or bot message, with what the analyst needs to group on.
CREATE VIEW onboarding_messages AS
SELECT
    e.id,
    e.sender_id AS conversation_id,
    e.type_name AS sender,                                        -- 'user' or 'bot'
    e.timestamp AS sent_at,
    e.intent_name AS intent,                                      -- user messages
    CAST(e.data AS json) -> 'metadata' ->> 'utter_action' AS response,  -- bot messages
    CAST(e.data AS json) -> 'parse_data' -> 'response_selector' -> 'default'
        -> 'response' ->> 'intent_response_key' AS faq_topic,     -- e.g. faq/password_rules
    CAST(e.data AS json) ->> 'text' AS text                       -- already redacted
FROM events e
WHERE e.type_name IN ('user', 'bot');

-- One row per conversation: activity, language, steps reached (1/0), outcome flags.
CREATE VIEW onboarding_conversations AS
SELECT
    e.sender_id AS conversation_id,
    MIN(e.timestamp) AS started_at,
    MAX(e.timestamp) AS ended_at,
    MAX(e.timestamp) - MIN(e.timestamp) AS duration_seconds,
    MAX(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'language'
             THEN CAST(e.data AS json) ->> 'value' END) AS language,
    GREATEST_SESSIONS.sessions,
    SUM(CASE WHEN e.type_name = 'user' THEN 1 ELSE 0 END) AS user_messages,
    SUM(CASE WHEN e.type_name = 'user' AND e.intent_name = 'nlu_fallback' THEN 1 ELSE 0 END)
        AS unsure_messages,
    SUM(CASE WHEN e.type_name = 'action' AND e.action_name = 'action_two_stage_fallback'
             THEN 1 ELSE 0 END) AS fallback_turns,
    SUM(CASE WHEN e.type_name = 'action' AND e.action_name = 'action_handoff'
             THEN 1 ELSE 0 END) AS handoffs,
    MAX(CASE WHEN e.type_name = 'action'
              AND e.action_name IN ('action_start_registration', 'registration_form')
             THEN 1 ELSE 0 END) AS started,
    -- One event per record: a step is reached once, a check or a refusal counts each time.
    MAX(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'registration_steps'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"company_identified"%'
             THEN 1 ELSE 0 END) AS company_identified,
    MAX(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'registration_steps'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"invitation_valid"%'
             THEN 1 ELSE 0 END) AS invitation_valid,
    MAX(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'registration_steps'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"account_details"%'
             THEN 1 ELSE 0 END) AS account_details,
    MAX(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'registration_steps'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"contact_details"%'
             THEN 1 ELSE 0 END) AS contact_details,
    MAX(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'registration_steps'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"account_created"%'
             THEN 1 ELSE 0 END) AS account_created,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'invitation_check'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"mismatch"%'
             THEN 1 ELSE 0 END) AS invitation_mismatches,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'invitation_check'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"expired"%'
             THEN 1 ELSE 0 END) AS invitation_expired,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'invitation_check'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"used"%'
             THEN 1 ELSE 0 END) AS invitation_used,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'invitation_check'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"locked"%'
             THEN 1 ELSE 0 END) AS invitation_locked,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"%'
             THEN 1 ELSE 0 END) AS passwords_refused,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"min_length"%'
             THEN 1 ELSE 0 END) AS password_rule_min_length,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"uppercase"%'
             THEN 1 ELSE 0 END) AS password_rule_uppercase,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"lowercase"%'
             THEN 1 ELSE 0 END) AS password_rule_lowercase,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"digit"%'
             THEN 1 ELSE 0 END) AS password_rule_digit,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"special"%'
             THEN 1 ELSE 0 END) AS password_rule_special,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"not_common"%'
             THEN 1 ELSE 0 END) AS password_rule_not_common,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"not_email"%'
             THEN 1 ELSE 0 END) AS password_rule_not_email,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"an_address"%'
             THEN 1 ELSE 0 END) AS password_rule_an_address,
    SUM(CASE WHEN e.type_name = 'slot' AND CAST(e.data AS json) ->> 'name' = 'password_rules_unmet'
              AND CAST(e.data AS json) ->> 'value' LIKE '%"a_question"%'
             THEN 1 ELSE 0 END) AS password_rule_a_question
FROM events e
JOIN (
    -- A conversation stored without a session start still had one session.
    SELECT sender_id,
           CASE WHEN SUM(CASE WHEN type_name = 'session_started' THEN 1 ELSE 0 END) = 0
                THEN 1 ELSE SUM(CASE WHEN type_name = 'session_started' THEN 1 ELSE 0 END)
           END AS sessions
    FROM events GROUP BY sender_id
) GREATEST_SESSIONS ON GREATEST_SESSIONS.sender_id = e.sender_id
GROUP BY e.sender_id, GREATEST_SESSIONS.sessions;

-- The funnel per language: conversations that reached each step.
CREATE VIEW onboarding_funnel AS
SELECT
    COALESCE(language, 'unknown') AS language,
    COUNT(*) AS conversations,
    SUM(started) AS started,
    SUM(company_identified) AS company_identified,
    SUM(invitation_valid) AS invitation_valid,
    SUM(account_details) AS account_details,
    SUM(contact_details) AS contact_details,
    SUM(account_created) AS account_created,
    SUM(CASE WHEN account_created = 1 THEN 0 WHEN handoffs > 0 THEN 0 ELSE started END)
        AS abandoned,
    SUM(CASE WHEN account_created = 0 AND handoffs > 0 THEN 1 ELSE 0 END) AS escalated
FROM onboarding_conversations
GROUP BY COALESCE(language, 'unknown');

-- One row per answer given (answered_topic) and per "did this answer help?" answered
-- (answer_feedback), from the slots actions/answers.py records: topic, then 'feedback_asked'
-- (the question followed the answer), 'yes' or 'no'.
CREATE VIEW onboarding_answers AS
SELECT
    e.id,
    e.sender_id AS conversation_id,
    e.timestamp AS recorded_at,
    CAST(e.data AS json) ->> 'name' AS record,            -- 'answered_topic' or 'answer_feedback'
    CAST(e.data AS json) -> 'value' ->> 0 AS topic,         -- e.g. faq/password_rules
    CAST(e.data AS json) -> 'value' ->> 1 AS detail         -- 'feedback_asked', 'yes', 'no', NULL
FROM events e
WHERE e.type_name = 'slot'
  AND CAST(e.data AS json) ->> 'name' IN ('answered_topic', 'answer_feedback')
  AND CAST(e.data AS json) -> 'value' ->> 0 IS NOT NULL;

-- Helpfulness per topic: answers, "did this answer help?" asked, yes, no.
-- helpfulness = helpful / (helpful + not_helpful) (docs/analytics.md).
CREATE VIEW onboarding_topic_helpfulness AS
SELECT
    topic,
    SUM(CASE WHEN record = 'answered_topic' THEN 1 ELSE 0 END) AS answers,
    SUM(CASE WHEN record = 'answered_topic' AND detail = 'feedback_asked' THEN 1 ELSE 0 END)
        AS feedback_asked,
    SUM(CASE WHEN record = 'answer_feedback' AND detail = 'yes' THEN 1 ELSE 0 END) AS helpful,
    SUM(CASE WHEN record = 'answer_feedback' AND detail = 'no' THEN 1 ELSE 0 END) AS not_helpful
FROM onboarding_answers
GROUP BY topic;

-- One row per conversation with at least one answer: resolved when, after its first answer,
-- no "no" and no handoff; confirmed when resolved with at least one "yes".
-- resolution rate = AVG(resolved), confirmed resolution rate = AVG(confirmed).
CREATE VIEW onboarding_resolution AS
SELECT
    conversation_id,
    resolved,
    CASE WHEN resolved = 1 AND said_yes > 0 THEN 1 ELSE 0 END AS confirmed
FROM (
    SELECT
        answered.conversation_id,
        answered.said_yes,
        CASE WHEN answered.said_no = 0
                  AND NOT EXISTS (SELECT 1 FROM events h
                                  WHERE h.sender_id = answered.conversation_id
                                    AND h.type_name = 'action'
                                    AND h.action_name = 'action_handoff'
                                    AND h.id > answered.first_answer_id)
             THEN 1 ELSE 0 END AS resolved
    FROM (
        SELECT
            conversation_id,
            MIN(CASE WHEN record = 'answered_topic' THEN id END) AS first_answer_id,
            SUM(CASE WHEN record = 'answer_feedback' AND detail = 'no' THEN 1 ELSE 0 END)
                AS said_no,
            SUM(CASE WHEN record = 'answer_feedback' AND detail = 'yes' THEN 1 ELSE 0 END)
                AS said_yes
        FROM onboarding_answers
        GROUP BY conversation_id
    ) answered
    WHERE answered.first_answer_id IS NOT NULL
) per_conversation;
